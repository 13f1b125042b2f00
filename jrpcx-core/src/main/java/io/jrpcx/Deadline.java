package io.jrpcx;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A point in time by which a call must complete, on the monotonic {@link System#nanoTime()} clock
 * (wall-clock jumps do not move it).
 *
 * <p>Deadlines travel to rpcx servers as metadata {@code __ServerTimeout}: the remaining time in
 * milliseconds when the request is sent.
 */
public final class Deadline implements Comparable<Deadline> {
  /**
   * Offsets are clamped to about 146 years either way: deadlines are compared by subtracting
   * nanoTime values, which is only correct while they are less than 2^63 ns apart.
   */
  private static final long MAX_OFFSET = 1L << 62;

  private final long nanoTime;

  private Deadline(long nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** A deadline {@code timeout} from now. A zero or negative timeout gives an expired deadline. */
  public static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + clamp(saturatedNanos(timeout)));
  }

  /** A deadline {@code amount} {@code unit}s from now. */
  public static Deadline after(long amount, TimeUnit unit) {
    return new Deadline(System.nanoTime() + clamp(unit.toNanos(amount)));
  }

  /** Time left, negative once expired. */
  public long remaining(TimeUnit unit) {
    return unit.convert(nanoTime - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  /** Time left, negative once expired. */
  public Duration remaining() {
    return Duration.ofNanos(nanoTime - System.nanoTime());
  }

  public boolean isExpired() {
    return nanoTime - System.nanoTime() <= 0;
  }

  /** The earlier of this deadline and {@code other} (this one when {@code other} is null). */
  public Deadline min(Deadline other) {
    return other == null || compareTo(other) <= 0 ? this : other;
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.signum(nanoTime - other.nanoTime);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline && ((Deadline) o).nanoTime == nanoTime;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanoTime);
  }

  @Override
  public String toString() {
    return "Deadline[" + remaining(TimeUnit.MILLISECONDS) + " ms from now]";
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException overflow) {
      return d.isNegative() ? -MAX_OFFSET : MAX_OFFSET;
    }
  }

  private static long clamp(long offsetNanos) {
    return Math.max(-MAX_OFFSET, Math.min(MAX_OFFSET, offsetNanos));
  }
}
