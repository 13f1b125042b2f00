package io.jrpcx.client.breaker;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A breaker that opens when too large a share of recent calls to a node failed.
 *
 * <p>Outcomes are counted in a rolling window of 10 seconds made of ten 1-second buckets, so an
 * outcome stops counting between 9 and 10 seconds after it was recorded. When {@link #fail()} is
 * recorded and the window holds at least {@code minSamples} outcomes of which at least {@code rate}
 * failed, the breaker opens: {@link #ready()} returns {@code false} for 10 seconds. After that it is
 * half-open: {@code ready()} admits a single probe call and refuses everyone else until the probe's
 * outcome arrives. A successful probe closes the breaker and empties the window; a failed probe
 * opens it for another 10 seconds. If the probe's outcome never arrives (its caller gave up without
 * reporting), another probe is admitted 10 seconds after the lost one.
 *
 * <p>Only {@code fail()} can open the breaker: a success never trips it, even if the window's
 * failure share is above {@code rate}.
 *
 * <p>While the breaker is open and no probe has been admitted, reported outcomes are ignored: they
 * belong to calls that were admitted before the breaker opened and say nothing about the node now.
 * Once a probe is out, the next outcome reported is taken to be the probe's, because the interface
 * carries no call identity; a late failure from an older call can therefore re-open the breaker.
 *
 * <p>{@code new RateBreaker(0.95, 100)} is the breaker jrpcx clients use by default: a node is cut
 * off only when at least 95 of 100 or more calls within 10 seconds failed.
 *
 * <p>This class is thread-safe. {@code ready()} on a closed breaker reads one volatile field;
 * outcomes update the current bucket under a short lock. {@code ready()}, {@code success()} and
 * {@code fail()} never allocate.
 */
public final class RateBreaker implements Breaker {

  private static final int BUCKETS = 10;
  private static final long BUCKET_NANOS = 1_000_000_000L;
  private static final long OPEN_NANOS = 10_000_000_000L;

  private final double rate;
  private final long minSamples;
  private final LongSupplier nanoClock;

  /** Bucket numbers count whole seconds from here, so they never depend on nanoTime's origin. */
  private final long origin;

  private final Object lock = new Object();

  /**
   * Written only under {@link #lock}, but read without it so that the common case, a closed
   * breaker, costs {@code ready()} nothing more than a volatile read.
   */
  private volatile boolean closed = true;

  // Guarded by lock. Bucket i holds the outcomes of second bucketSecond[i]; a bucket whose second
  // has left the window still has its old counts, which is why every read checks the second.
  private final long[] bucketSecond = new long[BUCKETS];
  private final long[] successes = new long[BUCKETS];
  private final long[] failures = new long[BUCKETS];

  // Guarded by lock; meaningful only while the breaker is not closed.
  /** When ready() may next admit a probe: the end of the open period, or a lost probe's expiry. */
  private long nextProbeAt;

  /** Whether a probe has been admitted and its outcome has not arrived yet. */
  private boolean probeOutstanding;

  /**
   * Creates a closed breaker.
   *
   * @param rate the share of failed outcomes in the window, in (0, 1], at or above which a failure
   *     opens the breaker
   * @param minSamples the number of outcomes, at least 1, the window must hold before the breaker
   *     may open, so that a few failures on a quiet node do not cut it off
   * @throws IllegalArgumentException if {@code rate} or {@code minSamples} is out of range
   */
  public RateBreaker(double rate, long minSamples) {
    this(rate, minSamples, System::nanoTime);
  }

  /** Creates a closed breaker that reads time from {@code nanoClock}, so tests can drive time. */
  RateBreaker(double rate, long minSamples, LongSupplier nanoClock) {
    // Written as a negation so that NaN is rejected too.
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be in (0, 1], got " + rate);
    }
    if (minSamples < 1) {
      throw new IllegalArgumentException("minSamples must be at least 1, got " + minSamples);
    }
    this.rate = rate;
    this.minSamples = minSamples;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.origin = nanoClock.getAsLong();
  }

  /**
   * Returns {@code true} while the breaker is closed; while it is open returns {@code false}, except
   * to the one caller admitted as the half-open probe.
   */
  @Override
  public boolean ready() {
    if (closed) {
      return true;
    }
    synchronized (lock) {
      if (closed) {
        return true;
      }
      long now = nanoClock.getAsLong();
      if (now - nextProbeAt < 0) {
        return false;
      }
      probeOutstanding = true;
      // If this probe's outcome never arrives, the next caller after this instant replaces it.
      nextProbeAt = now + OPEN_NANOS;
      return true;
    }
  }

  /**
   * Records that the node answered. While closed this counts towards the window; the outcome of a
   * half-open probe closes the breaker and empties the window.
   */
  @Override
  public void success() {
    synchronized (lock) {
      if (closed) {
        long second = currentSecond();
        successes[bucket(second)]++;
      } else if (probeOutstanding) {
        close();
      }
    }
  }

  /**
   * Records a transport failure or a timeout. While closed this counts towards the window and opens
   * the breaker once the window holds enough failures; the outcome of a half-open probe opens the
   * breaker for another 10 seconds.
   */
  @Override
  public void fail() {
    synchronized (lock) {
      if (closed) {
        long second = currentSecond();
        failures[bucket(second)]++;
        if (shouldOpen(second)) {
          open();
        }
      } else if (probeOutstanding) {
        open();
      }
    }
  }

  /** The breaker's state as seen now; for tests and {@link #toString()}. */
  State state() {
    synchronized (lock) {
      return stateAt(nanoClock.getAsLong());
    }
  }

  /**
   * Returns the state, the thresholds and the outcomes currently in the window, for debugging, e.g.
   * {@code RateBreaker{state=closed, rate=0.95, minSamples=100, window=[successes=12, failures=3]}}.
   */
  @Override
  public String toString() {
    synchronized (lock) {
      long now = nanoClock.getAsLong();
      long second = Math.floorDiv(now - origin, BUCKET_NANOS);
      State state = stateAt(now);
      StringBuilder sb =
          new StringBuilder("RateBreaker{state=")
              .append(state.label)
              .append(", rate=")
              .append(rate)
              .append(", minSamples=")
              .append(minSamples)
              .append(", window=[successes=")
              .append(windowSum(successes, second))
              .append(", failures=")
              .append(windowSum(failures, second))
              .append(']');
      if (!closed && now - nextProbeAt < 0) {
        sb.append(", nextProbeIn=")
            .append(String.format(Locale.ROOT, "%.3fs", (nextProbeAt - now) / 1e9));
      }
      return sb.append('}').toString();
    }
  }

  private State stateAt(long now) {
    if (closed) {
      return State.CLOSED;
    }
    return probeOutstanding || now - nextProbeAt >= 0 ? State.HALF_OPEN : State.OPEN;
  }

  private long currentSecond() {
    return Math.floorDiv(nanoClock.getAsLong() - origin, BUCKET_NANOS);
  }

  /** Returns the index of the bucket for {@code second}, emptying it first if it held an older one. */
  private int bucket(long second) {
    int i = (int) Math.floorMod(second, (long) BUCKETS);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      successes[i] = 0;
      failures[i] = 0;
    }
    return i;
  }

  /** Sums {@code counts} over the buckets whose second is still within the window. */
  private long windowSum(long[] counts, long second) {
    long sum = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (second - bucketSecond[i] < BUCKETS) {
        sum += counts[i];
      }
    }
    return sum;
  }

  private boolean shouldOpen(long second) {
    long f = windowSum(failures, second);
    long total = windowSum(successes, second) + f;
    // Division rather than f >= rate * total: the quotient of two exact integers compares exactly
    // with a decimal rate at the boundary (95 / 100 == 0.95), the product may not.
    return total >= minSamples && (double) f / total >= rate;
  }

  private void open() {
    closed = false;
    probeOutstanding = false;
    nextProbeAt = nanoClock.getAsLong() + OPEN_NANOS;
  }

  private void close() {
    // Today nothing in the window survives to this point: nothing is recorded while open, and a
    // probe comes at least 10 s (the window's length) after opening. Clearing anyway keeps "closed
    // starts with an empty window" true should the open period ever become shorter than the window.
    Arrays.fill(successes, 0);
    Arrays.fill(failures, 0);
    probeOutstanding = false;
    closed = true;
  }

  /** The states a {@link RateBreaker} moves through. */
  enum State {
    /** Every call is admitted and its outcome counted. */
    CLOSED("closed"),
    /** Calls are refused until the open period ends. */
    OPEN("open"),
    /** The open period has ended: one probe is, or may be, out to test the node. */
    HALF_OPEN("half-open");

    final String label;

    State(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }
}
