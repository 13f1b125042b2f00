package io.jrpcx.client.breaker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.jrpcx.client.breaker.RateBreaker.State;
import io.jrpcx.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RateBreakerTest {

  private final FakeClock clock = new FakeClock();

  @Test
  void opensWhen95PercentOf100OutcomesFailedWithinTheWindow() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    succeed(b, 5);
    fail(b, 94);
    assertThat(b.ready()).isTrue();
    assertThat(b.state()).isEqualTo(State.CLOSED);

    b.fail(); // 95 of 100

    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(b.ready()).isFalse();
  }

  @Test
  void staysClosedBelowMinimumSamples() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    fail(b, 99); // every outcome failed, but only 99 of them
    assertThat(b.ready()).isTrue();
    assertThat(b.state()).isEqualTo(State.CLOSED);

    b.fail();

    assertThat(b.ready()).isFalse();
  }

  @Test
  void staysClosedBelowRate() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    succeed(b, 6);
    fail(b, 113); // 113 of 119 = 94.96%
    assertThat(b.ready()).isTrue();
    assertThat(b.state()).isEqualTo(State.CLOSED);

    b.fail(); // 114 of 120 = exactly 95%

    assertThat(b.ready()).isFalse();
  }

  @Test
  void successesNeverTripTheBreaker() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    fail(b, 95); // 95 samples: too few
    succeed(b, 5); // now 95 of 100 failed, but a success must not open it
    assertThat(b.ready()).isTrue();

    b.fail(); // 96 of 101

    assertThat(b.ready()).isFalse();
  }

  @Test
  void rateOfOneOpensOnlyWhenEveryOutcomeFailed() {
    RateBreaker b = new RateBreaker(1.0, 3, clock);
    b.success();
    fail(b, 10);
    assertThat(b.ready()).isTrue();

    clock.advanceSeconds(10); // the success leaves the window
    fail(b, 3);

    assertThat(b.ready()).isFalse();
  }

  @Test
  void outcomesSpreadOverTheWindowAddUp() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    fail(b, 50);
    clock.advanceSeconds(9);
    fail(b, 49);
    assertThat(b.ready()).isTrue();

    b.fail();

    assertThat(b.ready()).isFalse();
  }

  @Test
  void oldOutcomesExpireAfterTenSeconds() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    fail(b, 99);
    clock.advanceSeconds(10);

    b.fail(); // the 99 have left the window: one sample
    assertThat(b.ready()).isTrue();
    fail(b, 98);
    assertThat(b.ready()).isTrue();

    b.fail(); // 100 fresh failures

    assertThat(b.ready()).isFalse();
  }

  @Test
  void outcomesStillCountJustBeforeTenSeconds() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    fail(b, 99);
    clock.advanceMillis(9_999);

    b.fail();

    assertThat(b.ready()).isFalse();
  }

  @Test
  void staysOpenForTenSecondsAfterOpening() {
    RateBreaker b = openBreaker();

    clock.advanceMillis(9_999);
    assertThat(b.ready()).isFalse();
    assertThat(b.state()).isEqualTo(State.OPEN);

    clock.advanceMillis(1);
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    assertThat(b.ready()).isTrue();
  }

  @Test
  void halfOpenAllowsExactlyOneProbe() {
    RateBreaker b = openBreaker();
    clock.advanceSeconds(10);

    assertThat(b.ready()).isTrue();

    for (int i = 0; i < 5; i++) {
      assertThat(b.ready()).as("caller %d after the probe", i).isFalse();
    }
    clock.advanceMillis(9_999);
    assertThat(b.ready()).isFalse();
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
  }

  @Test
  void successfulProbeCloses() {
    RateBreaker b = openBreaker();
    clock.advanceSeconds(10);
    assertThat(b.ready()).isTrue();

    b.success();

    assertThat(b.state()).isEqualTo(State.CLOSED);
    for (int i = 0; i < 5; i++) {
      assertThat(b.ready()).isTrue();
    }
  }

  @Test
  void closedBreakerReopensOnlyOnAFreshWindowOfFailures() {
    RateBreaker b = openBreaker();
    clock.advanceSeconds(10);
    assertThat(b.ready()).isTrue();
    b.success();

    fail(b, 99);

    assertThat(b.ready()).isTrue();
    b.fail();
    assertThat(b.ready()).isFalse();
  }

  @Test
  void failedProbeReopensForAnotherTenSeconds() {
    RateBreaker b = openBreaker();
    clock.advanceSeconds(10);
    assertThat(b.ready()).isTrue();

    b.fail();

    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(b.ready()).isFalse();
    clock.advanceMillis(9_999);
    assertThat(b.ready()).isFalse();
    clock.advanceMillis(1);
    assertThat(b.ready()).isTrue();
    assertThat(b.ready()).isFalse();
  }

  @Test
  void lostProbeIsReplacedAfterTenSeconds() {
    RateBreaker b = openBreaker();
    clock.advanceSeconds(10);
    assertThat(b.ready()).isTrue(); // this probe never reports back

    clock.advanceMillis(9_999);
    assertThat(b.ready()).isFalse();
    clock.advanceMillis(1);

    assertThat(b.ready()).isTrue();
    assertThat(b.ready()).isFalse();
    b.success();
    assertThat(b.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void outcomesOfCallsAdmittedBeforeOpeningAreIgnored() {
    RateBreaker b = openBreaker();

    b.success(); // a late answer while open must not close it
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(b.ready()).isFalse();

    clock.advanceSeconds(10);
    b.fail(); // half-open but no probe out yet: must not push the probe back 10 s
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    b.success(); // nor close the breaker before any probe was sent
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);

    assertThat(b.ready()).isTrue();
    assertThat(b.ready()).isFalse();
  }

  @Test
  void keepsTimeAcrossNanoTimeWraparound() {
    FakeClock nearWrap = new FakeClock(Long.MAX_VALUE - 2_000_000_000L);
    RateBreaker b = new RateBreaker(0.95, 100, nearWrap);
    fail(b, 50);
    nearWrap.advanceSeconds(5); // the clock value wraps to negative here
    fail(b, 49);
    assertThat(b.ready()).isTrue();
    b.fail();
    assertThat(b.ready()).isFalse();

    nearWrap.advanceMillis(9_999);
    assertThat(b.ready()).isFalse();
    nearWrap.advanceMillis(1);
    assertThat(b.ready()).isTrue();
  }

  @Test
  void concurrentCallersSeeOneProbe() throws Exception {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    fail(b, 100);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 100; round++) {
        clock.advanceSeconds(10);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        AtomicInteger admitted = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
          pool.execute(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < 50; i++) {
                    if (b.ready()) {
                      admitted.incrementAndGet();
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  done.countDown();
                }
              });
        }
        start.countDown();
        assertThat(done.await(10, SECONDS)).as("round %d finished", round).isTrue();
        assertThat(admitted.get()).as("probes admitted in round %d", round).isEqualTo(1);
        b.fail(); // the probe failed: open for another 10 s
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentOutcomesAreNotLost() throws Exception {
    int threads = 8;
    int perThread = 2_000;
    // Opens on exactly the 16,000th failure, and only if no failure was lost.
    RateBreaker b = new RateBreaker(1.0, (long) threads * perThread, clock);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(threads);
      for (int t = 0; t < threads; t++) {
        pool.execute(
            () -> {
              try {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  b.fail();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                done.countDown();
              }
            });
      }
      start.countDown();
      assertThat(done.await(10, SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThat(b.state()).isEqualTo(State.OPEN);
  }

  @Test
  void rejectsRateOutsideZeroToOne() {
    for (double rate : new double[] {0, -0.5, 1.0001, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatIllegalArgumentException()
          .as("rate %s", rate)
          .isThrownBy(() -> new RateBreaker(rate, 100))
          .withMessageContaining("rate must be in (0, 1]");
    }
    assertThat(new RateBreaker(1.0, 1).ready()).isTrue();
  }

  @Test
  void rejectsMinSamplesBelowOne() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new RateBreaker(0.95, 0))
        .withMessage("minSamples must be at least 1, got 0");
    assertThatIllegalArgumentException().isThrownBy(() -> new RateBreaker(0.95, -1));
  }

  @Test
  void rejectsNullClock() {
    assertThatNullPointerException().isThrownBy(() -> new RateBreaker(0.95, 100, null));
  }

  @Test
  void toStringShowsStateAndWindowCounts() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    succeed(b, 3);
    fail(b, 2);
    assertThat(b)
        .hasToString(
            "RateBreaker{state=closed, rate=0.95, minSamples=100,"
                + " window=[successes=3, failures=2]}");

    fail(b, 95); // 97 of 100 opens it; outcomes after that are not counted
    fail(b, 10);
    clock.advanceMillis(2_500);

    assertThat(b.toString())
        .startsWith("RateBreaker{state=open,")
        .contains("window=[successes=3, failures=97]")
        .endsWith("nextProbeIn=7.500s}");
  }

  @Test
  void toStringForgetsOutcomesOlderThanTheWindow() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    succeed(b, 4);
    clock.advanceSeconds(5);
    fail(b, 2);

    clock.advanceMillis(4_999);
    assertThat(b.toString()).contains("window=[successes=4, failures=2]");
    clock.advanceMillis(1);
    assertThat(b.toString()).contains("window=[successes=0, failures=2]");
    clock.advanceSeconds(5);
    assertThat(b.toString()).contains("window=[successes=0, failures=0]");
  }

  /**
   * Drives the default breaker through a full cycle and prints what a node's callers would see, for
   * the design notes.
   */
  @Test
  void printsTimelineOfTheDefaultBreaker() {
    long start = clock.getAsLong();
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    List<String> timeline = new ArrayList<>();

    succeed(b, 5);
    timeline.add(line(start, b, "5 calls succeeded"));
    assertThat(b.state()).isEqualTo(State.CLOSED);

    clock.advanceSeconds(1);
    fail(b, 94);
    timeline.add(line(start, b, "94 calls failed: 94 of 99 outcomes, below minSamples 100"));
    assertThat(b.ready()).isTrue();

    b.fail();
    timeline.add(line(start, b, "1 more failed: 95 of 100 = 95% >= rate, breaker opens"));
    assertThat(b.state()).isEqualTo(State.OPEN);

    clock.advanceSeconds(5);
    boolean refused = !b.ready();
    timeline.add(line(start, b, "ready() = " + !refused + ": the call is refused"));
    assertThat(refused).isTrue();

    clock.advanceMillis(4_999);
    boolean stillRefused = !b.ready();
    timeline.add(line(start, b, "ready() = " + !stillRefused));
    assertThat(stillRefused).isTrue();

    clock.advanceMillis(1);
    boolean probe = b.ready();
    boolean second = b.ready();
    timeline.add(
        line(
            start, b, "ready() = " + probe + " for the probe, " + second + " for the next caller"));
    assertThat(probe).isTrue();
    assertThat(second).isFalse();

    b.fail();
    timeline.add(line(start, b, "probe failed: open for another 10 s"));
    assertThat(b.state()).isEqualTo(State.OPEN);

    clock.advanceSeconds(10);
    boolean probe2 = b.ready();
    timeline.add(line(start, b, "ready() = " + probe2 + " for a new probe"));
    assertThat(probe2).isTrue();
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);

    b.success();
    timeline.add(line(start, b, "probe succeeded: closed, window cleared"));
    assertThat(b.state()).isEqualTo(State.CLOSED);

    clock.advanceSeconds(1);
    boolean after = b.ready();
    timeline.add(line(start, b, "ready() = " + after + " for every caller"));
    assertThat(after).isTrue();

    System.out.println("RateBreaker(0.95, 100) timeline:");
    timeline.forEach(l -> System.out.println("  " + l));
    System.out.println("  " + b);
  }

  private String line(long start, RateBreaker b, String what) {
    double seconds = (clock.getAsLong() - start) / 1e9;
    String t =
        seconds == Math.rint(seconds)
            ? String.format(Locale.ROOT, "t=%ds", (long) seconds)
            : String.format(Locale.ROOT, "t=%.3fs", seconds);
    return String.format(Locale.ROOT, "%-9s %-9s  %s", t, b.state(), what);
  }

  /** Returns a default breaker that opened just now. */
  private RateBreaker openBreaker() {
    RateBreaker b = new RateBreaker(0.95, 100, clock);
    fail(b, 100);
    assertThat(b.state()).isEqualTo(State.OPEN);
    return b;
  }

  private static void fail(Breaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.fail();
    }
  }

  private static void succeed(Breaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.success();
    }
  }
}
