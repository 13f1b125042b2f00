package io.jrpcx.examples;

import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Server and client in one go: serves Arith on a free loopback port, calls it, prints
 * {@code 10 * 20 = 200} and stops. The default main class of {@code jrpcx-examples.jar}.
 */
public final class Quickstart {
  private Quickstart() {}

  public static void main(String[] args) {
    Server server = ArithServer.start("127.0.0.1:0");
    try {
      ArithClient.main(new String[] {"--addr", server.address()});
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }
}
