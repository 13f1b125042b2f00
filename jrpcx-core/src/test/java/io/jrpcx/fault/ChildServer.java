package io.jrpcx.fault;

import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A jrpcx server in a JVM of its own, for tests that kill it with SIGKILL. Serves {@code Arith}
 * and {@code Node} on a free loopback port and prints {@code READY tcp@host:port pid}; ends when
 * its standard input closes, so it never outlives the test JVM that started it.
 *
 * <p>Arguments: the node's name, and optionally {@code hold}: then {@code Node.Held} prints
 * {@code HELD} and does not answer (for 30 s at most), so that a test can know calls are in
 * flight on this node when it kills it.
 */
public final class ChildServer {
  static final String READY = "READY";
  static final String HELD = "HELD";

  private ChildServer() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    boolean hold = args.length > 1 && args[1].equals("hold");
    Server server = Server.builder().build();
    server.register("Arith", new ArithService(), "");
    server.register("Node", new Node(name, hold), "");
    server.start("tcp", "127.0.0.1:0");
    System.out.println(READY + " tcp@" + server.address() + " " + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the test JVM to close our stdin (or to die)
    }
    server.close();
  }

  /** {@code Node}: {@code Id} and {@code Held} answer the node's name. */
  public static final class Node {
    private final String name;
    private final boolean hold;
    private final CountDownLatch never = new CountDownLatch(1);

    Node(String name, boolean hold) {
      this.name = name;
      this.hold = hold;
    }

    public String id(String key) {
      return name;
    }

    public String held(String key) throws InterruptedException {
      if (hold) {
        System.out.println(HELD + " " + key);
        System.out.flush();
        never.await(30, TimeUnit.SECONDS);
      }
      return name;
    }
  }
}
