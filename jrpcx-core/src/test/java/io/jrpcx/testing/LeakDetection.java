package io.jrpcx.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes Netty's leak detector report into a list tests can check, instead of only a log line.
 * Installed as a launcher session listener so the factory is in place before any buffer class is
 * initialised; {@link LeakCheckExtension} fails every test class after which a leak is found.
 */
public final class LeakDetection implements LauncherSessionListener {
  private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
  private static volatile boolean installed;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    install();
  }

  /** Routes every leak report into {@link #collectLeaks()}. Idempotent. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
        new ResourceLeakDetectorFactory() {
          @Override
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval, long maxActive) {
            ResourceLeakDetector<T> detector =
                new ResourceLeakDetector<>(resource, samplingInterval);
            detector.setLeakListener((type, records) -> LEAKS.add(type + " leaked:\n" + records));
            return detector;
          }
        });
  }

  /**
   * Collects garbage, lets the detector see what was collected, and returns (and forgets) every
   * leak reported so far.
   */
  public static List<String> collectLeaks() {
    install();
    awaitOneGcCycle();
    // The detector looks for collected, unreleased buffers whenever a buffer is tracked.
    for (int i = 0; i < 8; i++) {
      ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(16);
      ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
      a.release();
      b.release();
    }
    List<String> leaks = new ArrayList<>();
    String leak;
    while ((leak = LEAKS.poll()) != null) {
      leaks.add(leak);
    }
    return leaks;
  }

  /**
   * Runs a full GC and waits until the reference handler has enqueued a canary collected by it,
   * so Netty's own phantom references from that cycle are enqueued too. Bounded.
   */
  private static void awaitOneGcCycle() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    for (int attempt = 0; attempt < 5; attempt++) {
      PhantomReference<Object> canary = new PhantomReference<>(new Object(), queue);
      System.gc();
      try {
        if (queue.remove(1_000) != null) {
          canary.clear();
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
