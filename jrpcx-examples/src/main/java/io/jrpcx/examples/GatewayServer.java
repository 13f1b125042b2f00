package io.jrpcx.examples;

import io.jrpcx.gateway.Gateway;
import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Serves Arith until killed, to rpcx clients and to HTTP on the same port: rpcx's gateway
 * ({@code X-RPCX-*} headers) and JSON-RPC 2.0 ({@code X-JSONRPC-2.0: true}).
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.GatewayServer --addr 127.0.0.1:8972</pre>
 */
public final class GatewayServer {
  private GatewayServer() {}

  public static void main(String[] args) throws InterruptedException {
    Flags flags = new Flags(args);
    Server server = start(flags.get("addr", "127.0.0.1:8972"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown(Duration.ofSeconds(5))));
    System.out.println(
        "Arith serving rpcx, the HTTP gateway and JSON-RPC on tcp@" + server.address());
    server.awaitTermination();
  }

  /** Starts a server with Arith registered and the gateway on {@code addr}, and returns it. */
  public static Server start(String addr) {
    Server server = Server.builder().sharePortWith(Gateway.create()).build();
    server.register("Arith", new Arith(), "");
    server.start("tcp", addr);
    return server;
  }
}
