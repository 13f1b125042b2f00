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
 * <p>{@code --network tcp|http|ws|wss|unix|reuseport|kcp} picks the network (default tcp); for
 * unix {@code --addr} is the socket's path (default {@code /tmp/jrpcx-arith.sock}); kcp uses the
 * rpcx examples' key ({@link #rpcxExampleKcp}), so Go's {@code -network kcp} examples talk to it. With {@code --cert
 * server.crt --key server.key} it serves TLS, which {@code wss} needs; adding {@code --ca ca.crt}
 * also requires client certificates signed by that CA.
 */
public final class ArithServer {
  private ArithServer() {}

  public static void main(String[] args) throws InterruptedException {
    Flags flags = new Flags(args);
    TlsConfig tls = flags.tls(true);
    String network = flags.get("network", "tcp");
    if (network.equals("wss") && tls == null) {
      throw new IllegalArgumentException("--network wss needs --cert and --key");
    }
    Server server = start(network, flags.get("addr", defaultAddress(network)), tls);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown(Duration.ofSeconds(5))));
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
