package io.jrpcx.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How long a registry client waits before its next attempt after a failure (a lost watch, a
 * registry that does not answer, a write that failed): the ceiling starts at {@code initial} and
 * doubles after every failure up to {@code max}, and the delay is drawn below it with jitter, so
 * that the servers and clients that lost one registry together do not all come back in the same
 * instant. {@link #reset()} after a success starts again at {@code initial}.
 *
 * <ul>
 *   <li>{@link Jitter#EQUAL} (the default): half the ceiling plus a random part of the other half,
 *       so the first retry comes after 0.5 to 1 s and never at once.
 *   <li>{@link Jitter#FULL}: anywhere from zero to the ceiling (AWS's "full jitter"): the widest
 *       spread, for loops where an immediate retry is harmless.
 * </ul>
 *
 * <p>It only computes delays; the caller schedules them on its own executor. Thread-safe.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.registry();
 * ... on failure: executor.schedule(this::retry, backoff.next().toNanos(), NANOSECONDS);
 * ... on success: backoff.reset();
 * }</pre>
 */
public final class Backoff {
  /** The registry modules' retry range: from 1 s, doubling to 30 s. */
  public static final Duration INITIAL = Duration.ofSeconds(1);

  public static final Duration MAX = Duration.ofSeconds(30);

  /** How a delay is drawn below the current ceiling. */
  public enum Jitter {
    /** Uniform in {@code [ceiling / 2, ceiling]}. */
    EQUAL,
    /** Uniform in {@code [0, ceiling]}. */
    FULL
  }

  private final long initialNanos;
  private final long maxNanos;
  private final Jitter jitter;
  private final RandomGenerator random;
  private long ceilingNanos; // guarded by this

  private Backoff(Duration initial, Duration max, Jitter jitter, RandomGenerator random) {
    this.initialNanos = RegistryBuilder.positive(initial, "initial").toNanos();
    this.maxNanos = RegistryBuilder.positive(max, "max").toNanos();
    if (maxNanos < initialNanos) {
      throw new IllegalArgumentException("max " + max + " is below initial " + initial);
    }
    this.jitter = Objects.requireNonNull(jitter, "jitter");
    this.random = Objects.requireNonNull(random, "random");
    this.ceilingNanos = initialNanos;
  }

  /** 1 s doubling to 30 s with equal jitter: what every registry module uses. */
  public static Backoff registry() {
    // Drawn on whichever thread asks: ThreadLocalRandom must not be shared across threads.
    RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
    return of(INITIAL, MAX, Jitter.EQUAL, random);
  }

  /**
   * A back-off from {@code initial} doubling to {@code max}, drawing with {@code random} (a seeded
   * or fixed generator makes the delays predictable in tests).
   */
  public static Backoff of(Duration initial, Duration max, Jitter jitter, RandomGenerator random) {
    return new Backoff(initial, max, jitter, random);
  }

  /** The delay before the next attempt; the ceiling doubles for the one after. */
  public synchronized Duration next() {
    long ceiling = ceilingNanos;
    ceilingNanos = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
    long floor = jitter == Jitter.EQUAL ? ceiling / 2 : 0;
    return Duration.ofNanos(floor + (long) (random.nextDouble() * (ceiling - floor)));
  }

  /** The ceiling of the next delay, for log messages. */
  public synchronized Duration ceiling() {
    return Duration.ofNanos(ceilingNanos);
  }

  /** After a success: the next delay is drawn below {@code initial} again. */
  public synchronized void reset() {
    ceilingNanos = initialNanos;
  }

  @Override
  public synchronized String toString() {
    return "Backoff{"
        + jitter
        + ", ceiling "
        + Duration.ofNanos(ceilingNanos)
        + " of "
        + Duration.ofNanos(maxNanos)
        + "}";
  }
}
