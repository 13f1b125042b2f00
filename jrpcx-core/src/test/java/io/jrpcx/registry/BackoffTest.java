package io.jrpcx.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  /** A generator that always draws {@code fraction} of the range. */
  private static RandomGenerator fixed(double fraction) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return (long) (fraction * Long.MAX_VALUE);
      }

      @Override
      public double nextDouble() {
        return fraction;
      }
    };
  }

  private static List<Long> seconds(Backoff b, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.next().toMillis() / 1000);
    }
    return out;
  }

  @Test
  void theCeilingDoublesFromOneSecondToThirtyAndStaysThere() {
    Backoff top = Backoff.of(Backoff.INITIAL, Backoff.MAX, Backoff.Jitter.FULL, fixed(0.9999999));
    assertThat(seconds(top, 8)).containsExactly(0L, 1L, 3L, 7L, 15L, 29L, 29L, 29L);
    Backoff upper =
        Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(30), Backoff.Jitter.EQUAL, fixed(1.0));
    assertThat(seconds(upper, 7)).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
  }

  @Test
  void equalJitterNeverGoesBelowHalfTheCeilingAndFullJitterMayReachZero() {
    Backoff equal = Backoff.of(Backoff.INITIAL, Backoff.MAX, Backoff.Jitter.EQUAL, fixed(0));
    assertThat(equal.next()).isEqualTo(Duration.ofMillis(500));
    assertThat(equal.next()).isEqualTo(Duration.ofSeconds(1));
    Backoff full = Backoff.of(Backoff.INITIAL, Backoff.MAX, Backoff.Jitter.FULL, fixed(0));
    assertThat(full.next()).isZero();
  }

  @Test
  void theRegistryDefaultSpreadsDelaysWithinTheirRange() {
    Backoff b = Backoff.registry();
    for (int i = 0; i < 1000; i++) {
      b.reset();
      assertThat(b.next()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertThat(b.next()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
  }

  @Test
  void resetStartsAgainAtTheInitialCeiling() {
    Backoff b = Backoff.of(Backoff.INITIAL, Backoff.MAX, Backoff.Jitter.EQUAL, fixed(1.0));
    b.next();
    b.next();
    assertThat(b.ceiling()).isEqualTo(Duration.ofSeconds(4));
    b.reset();
    assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void rejectsARangeThatIsNotOne() {
    assertThatThrownBy(() -> Backoff.of(Duration.ZERO, Backoff.MAX, Backoff.Jitter.FULL, fixed(0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Backoff.of(
                    Duration.ofSeconds(2), Duration.ofSeconds(1), Backoff.Jitter.FULL, fixed(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
