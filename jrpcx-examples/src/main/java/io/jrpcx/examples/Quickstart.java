package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Server and client in one go: serves Arith on a free loopback port, calls it, prints
 * {@code 10 * 20 = 200} and stops. The default main class of {@code jrpcx-examples.jar}, and the
 * README's example ({@code DocsTest} checks that the README's code is this code).
 */
public final class Quickstart {
  private Quickstart() {}

  public static void main(String[] args) {
    Server server = Server.builder().build();
    server.register("Arith", new Arith(), ""); // Arith.mul is served as "Mul"
    server.start("tcp", "127.0.0.1:0"); // a free port; returns once bound
    try (Client client = new Client()) { // MsgPack, as Go's DefaultOption
      client.connect("tcp", server.address());
      Args a = new Args(10, 20);
      Reply reply = client.call(Context.background(), "Arith", "Mul", a, Reply.class);
      System.out.printf("%d * %d = %d%n", a.A, a.B, reply.C);
    } finally {
      server.shutdown(Duration.ofSeconds(5)); // answers the calls in flight, then closes
    }
  }
}
