package io.jrpcx.client.breaker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test says so. */
final class FakeClock implements LongSupplier {

  private final AtomicLong nanos;

  /** Starts at an arbitrary instant: like System.nanoTime, the origin means nothing. */
  FakeClock() {
    this(123_456_789_000L);
  }

  FakeClock(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long getAsLong() {
    return nanos.get();
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  void advanceSeconds(long seconds) {
    advance(Duration.ofSeconds(seconds));
  }

  void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }
}
