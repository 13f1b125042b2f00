package io.jrpcx.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bucket of Go's juju/ratelimit, on a clock the test moves. */
class TokenBucketTest {
  private static final Duration SECOND = Duration.ofSeconds(1);
  private final FakeClock clock = new FakeClock();

  @Test
  void startsFullAndRefusesOnceEmpty() {
    TokenBucket bucket = new TokenBucket(SECOND, 3, clock);
    assertThat(bucket.available()).isEqualTo(3);
    assertThat(takes(bucket, 5)).containsExactly(true, true, true, false, false);
    assertThat(bucket.available()).isZero();
  }

  @Test
  void gainsOneTokenAtTheEndOfEveryWholeFillInterval() {
    TokenBucket bucket = new TokenBucket(SECOND, 2, clock);
    takes(bucket, 2);
    clock.advance(Duration.ofMillis(999));
    assertThat(bucket.tryTake()).as("999 ms after creation").isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(takes(bucket, 2)).as("at 1 s").containsExactly(true, false);
    clock.advance(Duration.ofMillis(2_500));
    assertThat(takes(bucket, 3))
        .as("at 3.5 s: ticks 2 and 3 passed")
        .containsExactly(true, true, false);
  }

  @Test
  void ticksCountFromCreationNotFromTheLastTake() {
    TokenBucket bucket = new TokenBucket(SECOND, 1, clock);
    clock.advance(Duration.ofMillis(900));
    assertThat(bucket.tryTake()).isTrue();
    clock.advance(Duration.ofMillis(100));
    assertThat(bucket.tryTake()).as("tick 1 is 1 s after creation, 100 ms after the take").isTrue();
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    TokenBucket bucket = new TokenBucket(SECOND, 3, clock);
    clock.advance(Duration.ofHours(1));
    assertThat(bucket.available()).isEqualTo(3);
    assertThat(takes(bucket, 4)).containsExactly(true, true, true, false);
  }

  @Test
  void reserveSaysHowLongUntilTheReservedTokenExists() {
    TokenBucket bucket = new TokenBucket(SECOND, 1, clock);
    long max = Duration.ofMinutes(1).toNanos();
    assertThat(bucket.reserve(max)).as("the bucket's one token").isZero();
    assertThat(bucket.reserve(max)).as("the token of tick 1").isEqualTo(SECOND.toNanos());
    clock.advance(Duration.ofMillis(300));
    assertThat(bucket.reserve(max))
        .as("the token of tick 2, from 0.3 s")
        .isEqualTo(Duration.ofMillis(1_700).toNanos());
    assertThat(bucket.available()).as("two reserved ahead").isEqualTo(-2);
    assertThat(bucket.tryTake()).isFalse();
    clock.advance(Duration.ofMillis(1_700));
    assertThat(bucket.available()).as("at 2 s both reservations are due").isZero();
    clock.advance(SECOND);
    assertThat(bucket.tryTake()).as("tick 3 is free").isTrue();
  }

  @Test
  void reserveBeyondMaxWaitTakesNothing() {
    TokenBucket bucket = new TokenBucket(SECOND, 1, clock);
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.reserve(Duration.ofMillis(999).toNanos())).isEqualTo(-1);
    assertThat(bucket.reserve(0)).isEqualTo(-1);
    clock.advance(SECOND);
    assertThat(bucket.reserve(0)).as("the token of tick 1 is still there").isZero();
  }

  @Test
  void concurrentTakersGetExactlyTheCapacity() throws Exception {
    TokenBucket bucket = new TokenBucket(SECOND, 10_000, clock);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> taken = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        taken.add(
            pool.submit(
                () -> {
                  start.await();
                  int n = 0;
                  for (int i = 0; i < 5_000; i++) {
                    if (i % 2 == 0 ? bucket.tryTake() : bucket.reserve(0) == 0) {
                      n++;
                    }
                  }
                  return n;
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : taken) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      assertThat(total).as("tokens handed out for 40,000 attempts").isEqualTo(10_000);
      assertThat(bucket.available()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void hugeIntervalsAndCapacitiesDoNotOverflow() {
    TokenBucket bucket = new TokenBucket(Duration.ofDays(365 * 1000L), Long.MAX_VALUE, clock);
    assertThat(bucket.tryTake()).isTrue();
    TokenBucket slow = new TokenBucket(Duration.ofSeconds(Long.MAX_VALUE), 1, clock);
    assertThat(slow.tryTake()).isTrue();
    assertThat(slow.reserve(Long.MAX_VALUE - 1)).isEqualTo(-1);
    assertThat(slow.reserve(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new TokenBucket(Duration.ZERO, 1, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fillInterval");
    assertThatThrownBy(() -> new TokenBucket(Duration.ofSeconds(-1), 1, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fillInterval");
    assertThatThrownBy(() -> new TokenBucket(SECOND, 0, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }

  private static List<Boolean> takes(TokenBucket bucket, int n) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(bucket.tryTake());
    }
    return out;
  }
}
