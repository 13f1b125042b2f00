package io.jrpcx.client.breaker;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A breaker that opens after a run of consecutive failures, with the semantics of Go rpcx's {@code
 * ConsecCircuitBreaker}.
 *
 * <p>Every {@link #fail()} adds one to a failure count and stamps the time; every {@link
 * #success()} sets the count back to zero. {@link #ready()} returns {@code false} while the count is
 * at least {@code failureThreshold} and the last failure is younger than {@code window}. Once {@code
 * window} has passed since the last failure, the count starts again from zero, so failures further
 * apart than {@code window} never add up. There is no half-open probe: once the window has passed,
 * every caller is admitted, and it takes another {@code failureThreshold} failures to open again.
 *
 * <p>Failures reported while the breaker is open (by calls admitted before it opened) extend the
 * open period, because the window is measured from the last failure.
 *
 * <p>This class is thread-safe. {@code ready()} below the threshold and {@code success()} with no
 * failures counted read one volatile field; everything else takes a short lock. {@code ready()},
 * {@code success()} and {@code fail()} never allocate.
 */
public final class ConsecutiveBreaker implements Breaker {

  private final long failureThreshold;
  private final Duration window;
  private final long windowNanos;
  private final LongSupplier nanoClock;

  private final Object lock = new Object();

  /**
   * Written only under {@link #lock}, read without it on the fast paths: a healthy node has no
   * failures, and its calls should not contend on the lock.
   */
  private volatile long failures;

  /** Guarded by lock; meaningful only while {@code failures > 0}. */
  private long lastFailureAt;

  /**
   * Creates a closed breaker.
   *
   * @param failureThreshold the number of consecutive failures, at least 1, that opens the breaker
   * @param window how long, positive, the breaker stays open after the last failure; also how far
   *     apart two failures may be and still count as consecutive
   * @throws IllegalArgumentException if {@code failureThreshold} or {@code window} is out of range
   * @throws NullPointerException if {@code window} is null
   */
  public ConsecutiveBreaker(int failureThreshold, Duration window) {
    this(failureThreshold, window, System::nanoTime);
  }

  /** Creates a closed breaker that reads time from {@code nanoClock}, so tests can drive time. */
  ConsecutiveBreaker(int failureThreshold, Duration window, LongSupplier nanoClock) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException(
          "failureThreshold must be at least 1, got " + failureThreshold);
    }
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, got " + window);
    }
    this.failureThreshold = failureThreshold;
    this.window = window;
    this.windowNanos = saturatedNanos(window);
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * Returns {@code false} while at least {@code failureThreshold} consecutive failures have been
   * recorded and the last one is younger than {@code window}; otherwise {@code true}.
   */
  @Override
  public boolean ready() {
    if (failures < failureThreshold) {
      return true;
    }
    synchronized (lock) {
      if (nanoClock.getAsLong() - lastFailureAt < windowNanos) {
        return failures < failureThreshold;
      }
      failures = 0;
      return true;
    }
  }

  /** Records that the node answered, which ends the run of failures. */
  @Override
  public void success() {
    // Skipping the write when there is nothing to reset keeps the cache line shared between the
    // many threads that report successes to a healthy node.
    if (failures == 0) {
      return;
    }
    synchronized (lock) {
      failures = 0;
    }
  }

  /**
   * Records a transport failure or a timeout. A failure more than {@code window} after the previous
   * one starts a new run instead of extending the old one.
   */
  @Override
  public void fail() {
    synchronized (lock) {
      long now = nanoClock.getAsLong();
      long count = failures;
      if (count > 0 && now - lastFailureAt >= windowNanos) {
        count = 0;
      }
      // Saturate rather than wrap: a wrapped count would close the breaker.
      failures = count == Long.MAX_VALUE ? count : count + 1;
      lastFailureAt = now;
    }
  }

  /**
   * Returns the failure count, the threshold, the window and whether the breaker is open, for
   * debugging, e.g. {@code ConsecutiveBreaker{failures=2/5, window=PT10S, closed}}.
   */
  @Override
  public String toString() {
    synchronized (lock) {
      long count = failures;
      if (count > 0 && nanoClock.getAsLong() - lastFailureAt >= windowNanos) {
        count = 0;
      }
      return "ConsecutiveBreaker{failures="
          + count
          + "/"
          + failureThreshold
          + ", window="
          + window
          + ", "
          + (count >= failureThreshold ? "open" : "closed")
          + "}";
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
