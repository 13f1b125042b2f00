package io.jrpcx.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A nanosecond clock that moves only when a test says so: what breakers, token buckets and
 * back-offs take in place of {@code System::nanoTime}. The one test clock of jrpcx's tests.
 */
public final class FakeClock implements LongSupplier {
  private final AtomicLong nanos;

  /** Starts at an arbitrary instant: like {@code System.nanoTime}, the origin means nothing. */
  public FakeClock() {
    this(123_456_789_000L);
  }

  public FakeClock(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long getAsLong() {
    return nanos.get();
  }

  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  public void advanceSeconds(long seconds) {
    advance(Duration.ofSeconds(seconds));
  }

  public void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }
}
