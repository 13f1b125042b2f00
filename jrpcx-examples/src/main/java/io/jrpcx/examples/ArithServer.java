package io.jrpcx.examples;

import io.jrpcx.TlsConfig;
import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Serves Arith until killed, like rpcx's {@code 101basic/server}.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.ArithServer --addr 127.0.0.1:8972</pre>
 *
 * <p>{@code --network tcp|http|ws|wss|unix|reuseport} picks the network (default tcp); for unix
 * {@code --addr} is the socket's path (default {@code /tmp/jrpcx-arith.sock}). With {@code --cert
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
    Server server = Server.builder().tls(tls).build();
    server.register("Arith", new Arith(), "");
    server.start(network, addr);
    return server;
  }

  /** Where the examples meet when {@code --addr} is not given. */
  static String defaultAddress(String network) {
    return network.equals("unix") ? "/tmp/jrpcx-arith.sock" : "127.0.0.1:8972";
  }
}
