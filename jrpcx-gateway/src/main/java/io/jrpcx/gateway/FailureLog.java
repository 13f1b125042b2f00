package io.jrpcx.gateway;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs what goes wrong on HTTP connections in proportion to what it means. A client that goes
 * away (reset, broken pipe, closed mid-request) is routine: DEBUG, one line, no stack trace. Any
 * other failure is a finding worth a WARN with its stack trace, but a hostile client can repeat
 * it at will, so those WARNs share a token bucket (a burst of {@link #BURST}, then
 * {@link #PER_SECOND} a second) and the next one that gets through says how many were held back.
 * Held-back ones still go to DEBUG.
 */
final class FailureLog {
  static final int BURST = 5;
  static final int PER_SECOND = 1;

  private final LongSupplier nanoTime;
  private final LongAdder unexpected = new LongAdder();
  private double tokens = BURST;
  private long refilledAt;
  private long suppressed;

  FailureLog(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.refilledAt = nanoTime.getAsLong();
  }

  /** Whether {@code t} is a peer going away or a connection breaking, not a fault here. */
  static boolean expected(Throwable t) {
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof IOException || t instanceof PrematureChannelClosureException) {
        return true;
      }
      if (!(t instanceof DecoderException)) {
        return false; // only a decoder's wrapper is looked through
      }
    }
    return false;
  }

  /** Unexpected failures so far, logged or held back. */
  long unexpectedFailures() {
    return unexpected.sum();
  }

  /**
   * Logs an unexpected failure: at WARN with its stack trace when the bucket allows (and
   * {@code firstOnConnection}, so one connection never logs twice), else at DEBUG.
   */
  void unexpected(Logger log, boolean firstOnConnection, String message, Throwable t) {
    unexpected.increment();
    long held = firstOnConnection ? take() : -1;
    if (held < 0) {
      log.debug("{} ({} held back from WARN)", message, t.toString());
    } else if (held == 0) {
      log.warn(message, t);
    } else {
      log.warn("{} ({} similar messages suppressed)", message, held, t);
    }
  }

  /** A WARN without a stack trace, from the same bucket. */
  void warn(Logger log, String message) {
    long held = take();
    if (held < 0) {
      log.debug(message);
    } else if (held == 0) {
      log.warn(message);
    } else {
      log.warn("{} ({} similar messages suppressed)", message, held);
    }
  }

  /** -1 when no WARN may be logged now, else how many were held back since the last one. */
  private synchronized long take() {
    long now = nanoTime.getAsLong();
    tokens =
        Math.min(
            BURST, tokens + (now - refilledAt) * PER_SECOND / (double) TimeUnit.SECONDS.toNanos(1));
    refilledAt = now;
    if (tokens < 1) {
      suppressed++;
      return -1;
    }
    tokens--;
    long held = suppressed;
    suppressed = 0;
    return held;
  }
}
