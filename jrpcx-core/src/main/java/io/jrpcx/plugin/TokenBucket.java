package io.jrpcx.plugin;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The token bucket of Go's {@code juju/ratelimit}, which rpcx's rate limiting plugins use: it
 * starts full with {@code capacity} tokens and gains one token at the end of every
 * {@code fillInterval} counted from its creation, never holding more than {@code capacity}.
 *
 * <p>Lock-free: the whole state is one {@code long}, the tick at which the bucket would be empty.
 * At tick {@code t} (whole fill intervals since creation) it holds
 * {@code min(capacity, t - emptyTick)} tokens; taking one moves {@code emptyTick} forward by one.
 * A reservation may move it past the current tick: that token exists only at a later tick, which
 * is how a caller learns how long to wait for it. Never allocates.
 */
final class TokenBucket {
  private final long fillIntervalNanos;
  private final long capacity;
  private final LongSupplier nanoClock;
  private final long origin;
  private final AtomicLong emptyTick;

  TokenBucket(Duration fillInterval, long capacity, LongSupplier nanoClock) {
    Objects.requireNonNull(fillInterval, "fillInterval");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    if (fillInterval.isNegative() || fillInterval.isZero()) {
      throw new IllegalArgumentException("fillInterval must be positive, was " + fillInterval);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.fillIntervalNanos = saturatedNanos(fillInterval);
    this.capacity = capacity;
    this.origin = nanoClock.getAsLong();
    this.emptyTick = new AtomicLong(-capacity); // full at tick 0
  }

  Duration fillInterval() {
    return Duration.ofNanos(fillIntervalNanos);
  }

  long capacity() {
    return capacity;
  }

  /** Takes a token if one is there now, rpcx's {@code TakeAvailable(1) == 1}. */
  boolean tryTake() {
    long tick = tick(nanoClock.getAsLong());
    while (true) {
      long empty = emptyTick.get();
      long from = Math.max(empty, tick - capacity);
      if (from >= tick) {
        return false;
      }
      if (emptyTick.compareAndSet(empty, from + 1)) {
        return true;
      }
    }
  }

  /**
   * Reserves a token if it is there now or will be within {@code maxWaitNanos}, like juju's
   * {@code TakeMaxDuration(1, maxWait)}: returns the nanoseconds until the reserved token exists
   * (0 when it exists now), or -1 without taking anything when it would come later than that.
   */
  long reserve(long maxWaitNanos) {
    long now = nanoClock.getAsLong();
    long elapsed = now - origin;
    long tick = elapsed / fillIntervalNanos;
    while (true) {
      long empty = emptyTick.get();
      long reserved = Math.max(empty, tick - capacity) + 1; // the token exists from this tick
      long wait = 0;
      if (reserved > tick) {
        long ticksAhead = reserved - tick;
        wait =
            ticksAhead > Long.MAX_VALUE / fillIntervalNanos
                ? Long.MAX_VALUE
                : ticksAhead * fillIntervalNanos - (elapsed % fillIntervalNanos);
      }
      if (wait > maxWaitNanos) {
        return -1;
      }
      if (emptyTick.compareAndSet(empty, reserved)) {
        return wait;
      }
    }
  }

  /** Tokens there now; negative when that many are reserved ahead. */
  long available() {
    long tick = tick(nanoClock.getAsLong());
    return tick - Math.max(emptyTick.get(), tick - capacity);
  }

  private long tick(long now) {
    return (now - origin) / fillIntervalNanos;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "capacity " + capacity + ", one token per " + fillInterval();
  }
}
