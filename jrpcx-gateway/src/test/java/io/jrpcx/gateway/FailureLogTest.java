package io.jrpcx.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** WARNs of unexpected failures come in a bounded trickle that says what it held back. */
class FailureLogTest {
  static final Logger LOG = LoggerFactory.getLogger("io.jrpcx.gateway.FailureLogTest");

  final AtomicLong now = new AtomicLong();
  final FailureLog failures = new FailureLog(now::get);

  @Test
  void aBurstOfWarningsThenOneASecondSayingHowManyWereSuppressed() {
    try (LogCapture log = LogCapture.start()) {
      for (int i = 0; i < 100; i++) {
        failures.unexpected(LOG, true, "failure " + i, new IllegalStateException("boom"));
      }
      now.addAndGet(TimeUnit.SECONDS.toNanos(1));
      failures.unexpected(LOG, true, "failure after a second", new IllegalStateException("boom"));

      assertThat(log.lines().stream().filter(l -> l.contains(" WARN ")))
          .hasSize(FailureLog.BURST + 1);
      assertThat(log.lines().stream().filter(l -> l.contains(" WARN ")).reduce((a, b) -> b))
          .hasValueSatisfying(
              l ->
                  assertThat(l)
                      .endsWith(
                          "failure after a second ("
                              + (100 - FailureLog.BURST)
                              + " similar messages "
                              + "suppressed)"));
      assertThat(failures.unexpectedFailures()).isEqualTo(101);
    }
  }

  @Test
  void aConnectionWarnsOnceAtMost() {
    try (LogCapture log = LogCapture.start()) {
      failures.unexpected(LOG, true, "first", new IllegalStateException("boom"));
      failures.unexpected(LOG, false, "second on the same connection", new Error("boom"));

      assertThat(log.lines().stream().filter(l -> l.contains(" WARN "))).hasSize(1);
      assertThat(failures.unexpectedFailures()).isEqualTo(2);
    }
  }

  @Test
  void peersGoingAwayAreExpectedAndFaultsAreNot() {
    assertThat(FailureLog.expected(new SocketException("Connection reset"))).isTrue();
    assertThat(FailureLog.expected(new IOException("Broken pipe"))).isTrue();
    assertThat(FailureLog.expected(new PrematureChannelClosureException("closed"))).isTrue();
    assertThat(FailureLog.expected(new DecoderException(new IOException("reset")))).isTrue();
    assertThat(FailureLog.expected(new DecoderException(new IllegalStateException()))).isFalse();
    assertThat(FailureLog.expected(new IllegalStateException(new IOException()))).isFalse();
    assertThat(FailureLog.expected(new OutOfMemoryError())).isFalse();
  }
}
