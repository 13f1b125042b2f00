package io.jrpcx.examples;

import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Serves Arith until killed, like rpcx's {@code 101basic/server}.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.ArithServer --addr 127.0.0.1:8972</pre>
 */
public final class ArithServer {
  private ArithServer() {}

  public static void main(String[] args) throws InterruptedException {
    String addr = new Flags(args).get("addr", "127.0.0.1:8972");
    Server server = start(addr);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown(Duration.ofSeconds(5))));
    System.out.println("Arith serving on tcp@" + server.address());
    server.awaitTermination();
  }

  /** Starts a server with Arith registered on {@code addr} and returns it. */
  public static Server start(String addr) {
    Server server = Server.builder().build();
    server.register("Arith", new Arith(), "");
    server.start("tcp", addr);
    return server;
  }
}
