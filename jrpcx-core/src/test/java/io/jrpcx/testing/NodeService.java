package io.jrpcx.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Service {@code Node}, registered on every server of a {@link TestCluster}: it tells which node
 * answered, so tests can see where a call went.
 */
public class NodeService {
  private final String name;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile CountDownLatch hold = new CountDownLatch(0);

  public NodeService(String name) {
    this.name = name;
  }

  /** The node's name; the argument is only there to be hashed by a consistent-hash selector. */
  public String id(String key) {
    calls.incrementAndGet();
    return name;
  }

  /** The node's name, after waiting until the test releases {@link #hold()}; at most 30 s. */
  public String held(String key) throws InterruptedException {
    calls.incrementAndGet();
    hold.await(30, TimeUnit.SECONDS);
    return name;
  }

  /** Always fails, with the node's name in the error. */
  public String fail(String key) {
    calls.incrementAndGet();
    throw new IllegalStateException("node " + name + " refuses");
  }

  public int calls() {
    return calls.get();
  }

  /** Makes {@code held} wait until {@link #release()}. */
  public void hold() {
    hold = new CountDownLatch(1);
  }

  public void release() {
    hold.countDown();
  }
}
