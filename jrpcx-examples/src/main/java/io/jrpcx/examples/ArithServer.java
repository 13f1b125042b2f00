package io.jrpcx.examples;

import io.jrpcx.TlsConfig;
import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Serves Arith until killed, like rpcx's {@code 101basic/server}.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.ArithServer --addr 127.0.0.1:8972</pre>
 *
 * <p>With {@code --cert server.crt --key server.key} it serves TLS; adding {@code --ca ca.crt}
 * also requires client certificates signed by that CA.
 */
public final class ArithServer {
  private ArithServer() {}

  public static void main(String[] args) throws InterruptedException {
    Flags flags = new Flags(args);
    TlsConfig tls = flags.tls(true);
    Server server = start(flags.get("addr", "127.0.0.1:8972"), tls);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown(Duration.ofSeconds(5))));
    System.out.println("Arith serving on tcp@" + server.address() + (tls == null ? ""
        : tls.clientAuth() == TlsConfig.ClientAuth.REQUIRE ? " (mutual TLS)" : " (TLS)"));
    server.awaitTermination();
  }

  /** Starts a server with Arith registered on {@code addr} and returns it. */
  public static Server start(String addr) {
    return start(addr, null);
  }

  /** Starts a server with Arith registered on {@code addr}, over TLS unless {@code tls} is null. */
  public static Server start(String addr, TlsConfig tls) {
    Server server = Server.builder().tls(tls).build();
    server.register("Arith", new Arith(), "");
    server.start("tcp", addr);
    return server;
  }
}
