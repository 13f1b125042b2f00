package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HandlerPoolTest {
  private static final long WAIT_SECONDS = 10;

  private final List<HandlerPool> pools = new ArrayList<>();

  @AfterEach
  void shutDown() {
    pools.forEach(HandlerPool::shutdownNow);
  }

  private HandlerPool pool(int maxThreads, int maxQueued, long keepAliveNanos) {
    HandlerPool pool =
        new HandlerPool(
            maxThreads, maxQueued, keepAliveNanos, new DefaultThreadFactory("pool-test", true));
    pools.add(pool);
    return pool;
  }

  @Test
  void blockingCallsRunSideBySideUpToMaxThreadsAndTheNextWaitsForAFreeThread() throws Exception {
    HandlerPool pool = pool(4, 100, TimeUnit.SECONDS.toNanos(60));
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 4; i++) {
      startHolding(pool, release);
    }
    CountDownLatch fifth = new CountDownLatch(1);
    pool.execute(fifth::countDown);
    assertThat(fifth.await(100, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(pool.threads()).isEqualTo(4);
    release.countDown();
    assertThat(fifth.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCallArrivingWhileTheOnlyAwakeThreadBlocksWakesAnother() throws Exception {
    HandlerPool pool = pool(8, 100, TimeUnit.SECONDS.toNanos(60));
    // Two threads exist and park; then one call blocks and the next must not wait behind it.
    CountDownLatch first = new CountDownLatch(1);
    startHolding(pool, first);
    startHolding(pool, first);
    first.countDown();
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> pool.parkedThreads() == 2);

    CountDownLatch release = new CountDownLatch(1);
    startHolding(pool, release);
    CountDownLatch next = new CountDownLatch(1);
    pool.execute(next::countDown);
    assertThat(next.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.threads())
        .as("the parked thread was woken, not a new one started")
        .isEqualTo(2);
    release.countDown();
  }

  @Test
  void callsBeyondMaxQueuedAreRefusedAndTheQueuedOnesStillRun() throws Exception {
    HandlerPool pool = pool(1, 2, TimeUnit.SECONDS.toNanos(60));
    CountDownLatch release = new CountDownLatch(1);
    startHolding(pool, release);
    CountDownLatch queued = new CountDownLatch(2);
    pool.execute(queued::countDown);
    pool.execute(queued::countDown);
    assertThatThrownBy(() -> pool.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("2 calls already wait");
    release.countDown();
    assertThat(queued.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    // The refused call took no room: the queue holds two again.
    CountDownLatch again = new CountDownLatch(1);
    pool.execute(again::countDown);
    assertThat(again.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void idleThreadsEndAfterTheKeepAliveAndANewCallStartsOneAgain() throws Exception {
    HandlerPool pool = pool(4, 100, TimeUnit.MILLISECONDS.toNanos(50));
    CountDownLatch ran = new CountDownLatch(3);
    for (int i = 0; i < 3; i++) {
      pool.execute(ran::countDown);
    }
    assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> pool.threads() == 0);
    CountDownLatch later = new CountDownLatch(1);
    pool.execute(later::countDown);
    assertThat(later.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownNowInterruptsRunningCallsDropsWaitingOnesAndRefusesNewOnes() throws Exception {
    HandlerPool pool = pool(1, 10, TimeUnit.SECONDS.toNanos(60));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    pool.execute(
        () -> {
          running.countDown();
          try {
            // Blocks until interrupted: nothing counts this latch down.
            new CountDownLatch(1).await(WAIT_SECONDS * 2, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
        });
    assertThat(running.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    AtomicBoolean dropped = new AtomicBoolean(true);
    pool.execute(() -> dropped.set(false));
    pool.shutdownNow();
    assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> pool.threads() == 0);
    assertThat(dropped).isTrue();
    assertThatThrownBy(() -> pool.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("shut down");
  }

  @Test
  void anInterruptOrAThrowLeftByOneCallDoesNotReachTheNext() throws Exception {
    HandlerPool pool = pool(1, 10, TimeUnit.SECONDS.toNanos(60));
    pool.execute(() -> Thread.currentThread().interrupt());
    pool.execute(
        () -> {
          throw new IllegalStateException("a handler's bug");
        });
    AtomicReference<Boolean> interruptedSeen = new AtomicReference<>();
    AtomicReference<String> thread = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    pool.execute(
        () -> {
          interruptedSeen.set(Thread.currentThread().isInterrupted());
          thread.set(Thread.currentThread().getName());
          ran.countDown();
        });
    assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(interruptedSeen.get()).isFalse();
    assertThat(thread.get()).startsWith("pool-test");
    assertThat(pool.threads()).isEqualTo(1);
  }

  @Test
  void aCallNoThreadCanBeStartedForIsRefusedAndNeverRunsLater() throws Exception {
    AtomicBoolean threadsAvailable = new AtomicBoolean(false);
    DefaultThreadFactory threads = new DefaultThreadFactory("pool-test", true);
    HandlerPool pool =
        new HandlerPool(
            2,
            10,
            TimeUnit.SECONDS.toNanos(60),
            r -> {
              if (!threadsAvailable.get()) {
                throw new OutOfMemoryError("unable to create native thread (test)");
              }
              return threads.newThread(r);
            });
    pools.add(pool);
    AtomicBoolean refusedRan = new AtomicBoolean();
    assertThatThrownBy(() -> pool.execute(() -> refusedRan.set(true)))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("no handler thread could be started");
    assertThat(pool.threads()).isZero();

    threadsAvailable.set(true);
    CountDownLatch ran = new CountDownLatch(1);
    pool.execute(ran::countDown);
    assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(refusedRan).as("the refused call was not left in the queue").isFalse();
  }

  /**
   * Lost wake-ups would leave a call waiting with threads parked: many producers, calls that
   * sometimes block, and a keep-alive so short that threads end and start all the time; every
   * call must run exactly once, burst after burst.
   */
  @Test
  void everyCallRunsExactlyOnceUnderRacingProducersParkingAndRetiringThreads() throws Exception {
    HandlerPool pool = pool(3, 1_000_000, TimeUnit.MICROSECONDS.toNanos(200));
    int producers = 4;
    int bursts = 40;
    int perBurst = 500;
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    LongAdder duplicates = new LongAdder();
    AtomicInteger next = new AtomicInteger();
    for (int burst = 0; burst < bursts; burst++) {
      CountDownLatch done = new CountDownLatch(producers * perBurst);
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        Thread t =
            new Thread(
                () -> {
                  for (int i = 0; i < perBurst; i++) {
                    int id = next.getAndIncrement();
                    pool.execute(
                        () -> {
                          if (!seen.add(id)) {
                            duplicates.increment();
                          }
                          if (ThreadLocalRandom.current().nextInt(50) == 0) {
                            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300));
                          }
                          done.countDown();
                        });
                  }
                });
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS))
          .as("burst %d: %d calls never ran", burst, done.getCount())
          .isTrue();
      // Let the threads look, park and some of them end before the next burst.
      LockSupport.parkNanos(
          TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextInt(600)));
    }
    assertThat(duplicates.sum()).isZero();
    assertThat(seen).hasSize(producers * bursts * perBurst);
  }

  /**
   * The race a lost wake-up needs: a call offered just as the last awake thread stops looking and
   * parks, with nothing arriving after it to wake anyone. Calls come one at a time, each after a
   * pause around the time a thread looks before it parks, and none may be left waiting.
   */
  @Test
  void aLoneCallArrivingAsTheLastThreadParksIsStillRun() throws Exception {
    // One thread: no other parked thread for the call's execute to wake instead.
    HandlerPool pool = pool(1, 100, TimeUnit.SECONDS.toNanos(60));
    long window = HandlerPool.SEARCH_NANOS * 2;
    for (int i = 0; i < 20_000; i++) {
      CountDownLatch ran = new CountDownLatch(1);
      pool.execute(ran::countDown);
      assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("call %d never ran", i).isTrue();
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(window));
    }
  }

  /** Runs a call on {@code pool} that holds its thread until {@code release}; back once it runs. */
  private static void startHolding(HandlerPool pool, CountDownLatch release)
      throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    pool.execute(
        () -> {
          running.countDown();
          hold(release);
        });
    assertThat(running.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the holding call runs").isTrue();
  }

  private static void hold(CountDownLatch latch) {
    try {
      latch.await(WAIT_SECONDS * 2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
