package io.jrpcx.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator against in-process fakes: counts and bounds only, never speed. */
class LoadGeneratorTest {
  private static final Duration WARMUP = Duration.ofMillis(100);
  private static final Duration WINDOW = Duration.ofMillis(300);

  private final ScheduledExecutorService replies = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    replies.shutdownNow();
  }

  /** Answers every call on another thread after a short delay, tracking calls in flight. */
  private final class DelayedClient implements PeerClient {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    @Override
    public CompletableFuture<?> call() {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      CompletableFuture<Object> f = new CompletableFuture<>();
      replies.schedule(
          () -> {
            inFlight.decrementAndGet();
            f.complete("ok");
          },
          200,
          TimeUnit.MICROSECONDS);
      return f;
    }

    @Override
    public void close() {}
  }

  @Test
  void closedLoopKeepsConcurrencyCallsInFlightAndMeasuresOnlyTheWindow() throws Exception {
    DelayedClient client = new DelayedClient();

    LoadResult r = LoadGenerator.run(client, 8, 0, WARMUP, WINDOW, new LoadGenerator.Listener() {});

    assertThat(r.openLoop()).isFalse();
    assertThat(r.calls()).isPositive();
    assertThat(r.errors()).isZero();
    assertThat(r.latency().getTotalCount()).isEqualTo(r.calls());
    assertThat(r.corrected()).isNotNull();
    assertThat(r.corrected().getTotalCount()).isGreaterThanOrEqualTo(r.calls());
    assertThat(client.maxInFlight.get()).isEqualTo(8);
    assertThat(client.inFlight.get()).isZero(); // it waited for the calls in flight
  }

  @Test
  void openLoopSendsAtTheRateWithAtMostConcurrencyInFlight() throws Exception {
    DelayedClient client = new DelayedClient();

    LoadResult r =
        LoadGenerator.run(client, 4, 2_000, WARMUP, WINDOW, new LoadGenerator.Listener() {});

    assertThat(r.openLoop()).isTrue();
    assertThat(r.corrected()).isNull();
    assertThat(r.calls()).isPositive();
    assertThat(client.maxInFlight.get()).isBetween(1, 4);
  }

  @Test
  void callsThatCompleteAtOnceDoNotGrowTheStack() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    PeerClient immediate =
        new PeerClient() {
          @Override
          public CompletableFuture<?> call() {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture("ok");
          }

          @Override
          public void close() {}
        };

    LoadResult r =
        LoadGenerator.run(immediate, 2, 0, WARMUP, WINDOW, new LoadGenerator.Listener() {});

    assertThat(r.calls()).isPositive();
    assertThat(r.errors()).isZero();
  }

  @Test
  void failedCallsAreCountedNotTimed() throws Exception {
    PeerClient failing =
        new PeerClient() {
          @Override
          public CompletableFuture<?> call() {
            CompletableFuture<Object> f = new CompletableFuture<>();
            replies.execute(() -> f.completeExceptionally(new IllegalStateException("boom")));
            return f;
          }

          @Override
          public void close() {}
        };

    LoadResult r =
        LoadGenerator.run(failing, 2, 0, WARMUP, WINDOW, new LoadGenerator.Listener() {});

    assertThat(r.calls()).isZero();
    assertThat(r.errors()).isPositive();
    assertThat(r.firstError()).contains("boom");
  }

  @Test
  void theListenerSeesTheWindowOpenAndClose() throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();

    LoadGenerator.run(
        new DelayedClient(),
        1,
        0,
        WARMUP,
        WINDOW,
        new LoadGenerator.Listener() {
          @Override
          public void measureStarted() {
            started.incrementAndGet();
          }

          @Override
          public void measureEnded() {
            assertThat(started.get()).isEqualTo(1);
            ended.incrementAndGet();
          }
        });

    assertThat(ended.get()).isEqualTo(1);
  }
}
