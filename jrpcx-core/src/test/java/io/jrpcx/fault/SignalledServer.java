package io.jrpcx.fault;

import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.time.Duration;

/**
 * A jrpcx server in a JVM of its own that shuts down on SIGTERM through {@link
 * Server#shutdownOnSignal}. Prints {@code READY tcp@host:port pid}; {@code Slow.Held} prints
 * {@code HELD}, then answers {@code done} after about a second, so that a call is in flight when
 * the test sends the signal and can be answered within the shutdown timeout.
 */
public final class SignalledServer {
  private SignalledServer() {}

  public static void main(String[] args) throws Exception {
    Server server = Server.builder().build();
    server.register("Arith", new ArithService(), "");
    server.register("Slow", new Slow(), "");
    server.start("tcp", "127.0.0.1:0");
    server.shutdownOnSignal(Duration.ofSeconds(20));
    System.out.println(
        ChildServer.READY + " tcp@" + server.address() + " " + ProcessHandle.current().pid());
    System.out.flush();
    server.awaitTermination();
  }

  /** {@code Slow.Held}: answers after a second, long enough to be in flight at the signal. */
  public static final class Slow {
    public String held(String key) throws InterruptedException {
      System.out.println(ChildServer.HELD + " " + key);
      System.out.flush();
      Thread.sleep(1_000); // the work the graceful shutdown must wait for
      return "done " + key;
    }
  }
}
