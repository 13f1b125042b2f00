package io.jrpcx.fault;

import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A jrpcx server in a JVM of its own that shuts down on SIGTERM through {@link
 * Server#shutdownOnSignal}. Prints {@code READY tcp@host:port pid}; {@code Slow.Held} prints
 * {@code HELD}, then answers {@code done} only once the JVM has been asked to stop (a shutdown
 * hook of its own opens the gate), so the call is surely in flight across the signal and must be
 * answered by the graceful shutdown.
 */
public final class SignalledServer {
  private SignalledServer() {}

  public static void main(String[] args) throws Exception {
    CountDownLatch signalled = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(signalled::countDown, "signalled"));
    Server server = Server.builder().build();
    server.register("Arith", new ArithService(), "");
    server.register("Slow", new Slow(signalled), "");
    server.start("tcp", "127.0.0.1:0");
    server.shutdownOnSignal(Duration.ofSeconds(20));
    System.out.println(
        ChildServer.READY + " tcp@" + server.address() + " " + ProcessHandle.current().pid());
    System.out.flush();
    server.awaitTermination();
  }

  /** {@code Slow.Held}: answers once the JVM was asked to stop (30 s at most). */
  public static final class Slow {
    private final CountDownLatch signalled;

    Slow(CountDownLatch signalled) {
      this.signalled = signalled;
    }

    public String held(String key) throws InterruptedException {
      System.out.println(ChildServer.HELD + " " + key);
      System.out.flush();
      return signalled.await(30, TimeUnit.SECONDS) ? "done " + key : "never signalled " + key;
    }
  }
}
