package io.jrpcx.client.breaker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.jrpcx.testing.FakeClock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConsecutiveBreakerTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);

  private final FakeClock clock = new FakeClock();

  @Test
  void readyUntilFailuresReachThreshold() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    assertThat(b.ready()).isTrue();
    fail(b, 2);
    assertThat(b.ready()).isTrue();

    b.fail();

    assertThat(b.ready()).isFalse();
  }

  @Test
  void thresholdOfOneOpensOnTheFirstFailure() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(1, WINDOW, clock);

    b.fail();

    assertThat(b.ready()).isFalse();
  }

  @Test
  void staysOpenWhileLastFailureIsYoungerThanWindow() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    fail(b, 3);

    clock.advanceMillis(9_999);
    assertThat(b.ready()).isFalse();

    clock.advanceMillis(1);
    assertThat(b.ready()).isTrue();
  }

  @Test
  void windowPassingResetsTheCount() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    fail(b, 3);
    clock.advanceSeconds(10);
    assertThat(b.ready()).isTrue();

    fail(b, 2); // had the count not been reset this would be 5 failures

    assertThat(b.ready()).isTrue();
    b.fail();
    assertThat(b.ready()).isFalse();
  }

  @Test
  void failuresFurtherApartThanTheWindowNeverAddUp() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    b.fail();
    for (int i = 0; i < 4; i++) {
      clock.advanceSeconds(10);
      b.fail(); // nobody calls ready() in between, so only fail() can notice the gap
    }

    assertThat(b.ready()).isTrue(); // the last failure is fresh, but it is the first of its run
  }

  @Test
  void failuresCloserThanTheWindowAddUp() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    b.fail();
    clock.advanceSeconds(9);
    b.fail();
    clock.advanceSeconds(9);

    b.fail();

    assertThat(b.ready()).isFalse();
  }

  @Test
  void laterFailuresExtendTheOpenPeriod() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    fail(b, 3);
    clock.advanceSeconds(5);
    b.fail(); // e.g. a call admitted before the breaker opened timed out

    clock.advanceSeconds(5);
    assertThat(b.ready()).isFalse();
    clock.advanceSeconds(5);
    assertThat(b.ready()).isTrue();
  }

  @Test
  void successResetsTheCount() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    fail(b, 2);

    b.success();

    fail(b, 2);
    assertThat(b.ready()).isTrue();
    b.fail();
    assertThat(b.ready()).isFalse();
  }

  @Test
  void successWhileOpenClosesAtOnce() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    fail(b, 3);
    assertThat(b.ready()).isFalse();

    b.success();

    assertThat(b.ready()).isTrue();
  }

  @Test
  void everyCallerIsAdmittedOnceTheWindowHasPassed() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    fail(b, 3);
    clock.advanceSeconds(10);

    for (int i = 0; i < 5; i++) {
      assertThat(b.ready()).as("caller %d", i).isTrue(); // no single-probe half-open state
    }
  }

  @Test
  void windowTooLongForNanosStaysOpen() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(1, Duration.ofSeconds(Long.MAX_VALUE), clock);
    b.fail();

    clock.advance(Duration.ofDays(365L * 100));

    assertThat(b.ready()).isFalse();
  }

  @Test
  void concurrentFailuresAreNotLost() throws Exception {
    int threads = 8;
    int perThread = 2_000;
    // Opens only if all 16,000 failures were counted.
    ConsecutiveBreaker b = new ConsecutiveBreaker(threads * perThread, WINDOW, clock);
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
    assertThat(b.ready()).isFalse();
  }

  @Test
  void rejectsThresholdBelowOne() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ConsecutiveBreaker(0, WINDOW))
        .withMessage("failureThreshold must be at least 1, got 0");
    assertThatIllegalArgumentException().isThrownBy(() -> new ConsecutiveBreaker(-1, WINDOW));
  }

  @Test
  void rejectsWindowThatIsNotPositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ConsecutiveBreaker(3, Duration.ZERO))
        .withMessage("window must be positive, got PT0S");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ConsecutiveBreaker(3, Duration.ofMillis(-1)));
    assertThatNullPointerException()
        .isThrownBy(() -> new ConsecutiveBreaker(3, null))
        .withMessage("window");
  }

  @Test
  void toStringShowsCountThresholdAndState() {
    ConsecutiveBreaker b = new ConsecutiveBreaker(3, WINDOW, clock);
    fail(b, 2);
    assertThat(b).hasToString("ConsecutiveBreaker{failures=2/3, window=PT10S, closed}");

    b.fail();
    assertThat(b).hasToString("ConsecutiveBreaker{failures=3/3, window=PT10S, open}");

    clock.advanceSeconds(10);
    assertThat(b).hasToString("ConsecutiveBreaker{failures=0/3, window=PT10S, closed}");
  }

  private static void fail(Breaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.fail();
    }
  }
}
