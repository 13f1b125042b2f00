package io.jrpcx.examples;

import io.jrpcx.TlsConfig;
import io.jrpcx.server.Server;
import io.jrpcx.transport.kcp.KcpConfig;
import java.time.Duration;

/**
 * Serves Arith until killed, like rpcx's {@code 101basic/server}.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.ArithServer --addr 127.0.0.1:8972</pre>
 *
 * <p>{@code --network tcp|http|ws|wss|unix|reuseport|quic|kcp} picks the network (default tcp);
 * for unix {@code --addr} is the socket's path (default {@code /tmp/jrpcx-arith.sock}); kcp uses
 * the rpcx examples' key ({@link #rpcxExampleKcp}), so Go's {@code -network kcp} examples talk to
 * it. With {@code --cert server.crt --key server.key} it serves TLS, which {@code wss} and {@code
 * quic} need; adding {@code --ca ca.crt} also requires client certificates signed by that CA. On
 * {@code quic} without {@code --cert} it makes a self-signed certificate at start.
 */
public final class ArithServer {
  private ArithServer() {}

  public static void main(String[] args) throws InterruptedException {
    Flags flags = new Flags(args);
    String network = flags.get("network", "tcp");
    TlsConfig tls = tls(network, flags);
    Server server = start(network, flags.get("addr", defaultAddress(network)), tls);
    server.shutdownOnSignal(Duration.ofSeconds(5));
    System.out.println(
        "Arith serving on "
            + network
            + "@"
            + server.address()
            + (tls == null
                ? ""
                : tls.clientAuth() == TlsConfig.ClientAuth.REQUIRE ? " (mutual TLS)" : " (TLS)"));
    server.awaitTermination();
  }

  /** Starts a server with Arith registered on {@code addr} and returns it. */
  public static Server start(String addr) {
    return start(addr, null);
  }

  /** Starts a server with Arith registered on {@code addr}, over TLS unless {@code tls} is null. */
  public static Server start(String addr, TlsConfig tls) {
    return start("tcp", addr, tls);
  }

  /**
   * Starts a server with Arith registered on {@code network} at {@code addr}, over TLS unless
   * {@code tls} is null.
   */
  public static Server start(String network, String addr, TlsConfig tls) {
    Server.Builder b = Server.builder().tls(tls);
    if (network.equals("kcp")) {
      b.plugin(rpcxExampleKcp());
    }
    Server server = b.build();
    server.register("Arith", new Arith(), "");
    server.start(network, addr);
    return server;
  }

  /**
   * The server's TLS from the flags; on {@code quic}, which cannot run without TLS, a self-signed
   * certificate made now when no {@code --cert} is given (clients then need {@code --insecure}).
   */
  static TlsConfig tls(String network, Flags flags) {
    TlsConfig tls = flags.tls(true);
    if (network.equals("wss") && tls == null) {
      throw new IllegalArgumentException("--network wss needs --cert and --key");
    }
    if (network.equals("quic") && tls == null) {
      System.out.println(
          "quic needs TLS and no --cert was given: serving a self-signed certificate for "
              + "127.0.0.1 and localhost (clients connect with --insecure)");
      return SelfSigned.tls();
    }
    return tls;
  }

  /**
   * The key rpcx's kcp examples use: {@code pbkdf2.Key("rpcx-key", "rpcx-salt", 4096, 32,
   * sha1.New)} for AES.
   */
  static KcpConfig rpcxExampleKcp() {
    return KcpConfig.aes(KcpConfig.pbkdf2("rpcx-key", "rpcx-salt"));
  }

  /** Where the examples meet when {@code --addr} is not given. */
  static String defaultAddress(String network) {
    return network.equals("unix") ? "/tmp/jrpcx-arith.sock" : "127.0.0.1:8972";
  }
}
