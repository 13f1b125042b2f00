package io.jrpcx.plugin;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test says so; token buckets refill by it. */
final class FakeNanoClock implements LongSupplier {
  /** An arbitrary origin, as with System.nanoTime: only differences mean anything. */
  private final AtomicLong nanos = new AtomicLong(987_654_321_000L);

  @Override
  public long getAsLong() {
    return nanos.get();
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
}
