package io.jrpcx.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets through at most a few log messages a second of one kind, so that a peer able to cause a
 * WARN at will (garbage bytes, a thousand connections at once) cannot flood the log, and says how
 * many were held back when the next one goes through.
 */
final class LogLimiter {
  private final int perSecond;
  private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
  private final AtomicLong inWindow = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  LogLimiter(int perSecond) {
    this.perSecond = perSecond;
  }

  /**
   * Returns -1 when this message is to be dropped, else the number of messages dropped since the
   * last one let through (usually 0).
   */
  long admit() {
    long now = System.nanoTime();
    long start = windowStart.get();
    if (now - start >= TimeUnit.SECONDS.toNanos(1) && windowStart.compareAndSet(start, now)) {
      inWindow.set(0);
    }
    if (inWindow.incrementAndGet() > perSecond) {
      suppressed.incrementAndGet();
      return -1;
    }
    return suppressed.getAndSet(0);
  }

  /** " (N similar messages suppressed)" for a count from {@link #admit}, or "". */
  static String suffix(long suppressed) {
    return suppressed > 0 ? " (" + suppressed + " similar messages suppressed)" : "";
  }
}
