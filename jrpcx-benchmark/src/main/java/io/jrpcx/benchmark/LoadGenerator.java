package io.jrpcx.benchmark;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives a {@link PeerClient} for a warm-up and then a fixed measured window, recording every
 * call's latency in an HdrHistogram.
 *
 * <p><b>Closed loop</b> (the default, {@code targetRate == 0}): {@code concurrency} callers each
 * start their next call the moment the previous one completes, so exactly that many calls are in
 * flight. Calls are asynchronous: a caller is a chain of callbacks, not a thread, so c = 1000
 * costs no threads. Closed-loop latency is the service time of the calls that were sent; when the
 * server stalls, the callers stop sending and the stall is under-counted (coordinated omission).
 * The result therefore also carries a corrected histogram
 * ({@link Histogram#copyCorrectedForCoordinatedOmission}, the same as recording with
 * {@link Histogram#recordValueWithExpectedInterval}) whose expected interval is the warm-up's
 * mean latency: the interval at which each caller would have kept sending.
 *
 * <p><b>Open loop</b> ({@code targetRate > 0}): calls are scheduled at fixed intervals of
 * {@code 1 / targetRate}, and each latency is measured from the time the call was <em>meant</em>
 * to be sent, so a stall that delays sending is counted in full. At most {@code concurrency}
 * calls are in flight; when that many are outstanding the sender waits, and the wait shows in
 * the latency.
 *
 * <p>The measured window starts after the warm-up and its histogram holds only calls that
 * completed inside it.
 */
final class LoadGenerator {
  /** Latencies above a minute are clamped (they are failures in all but name). */
  private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_INLINE_DEPTH = 16;
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  /** Told about the phases, to sample server CPU at the edges of the window and show progress. */
  interface Listener {
    /** The measured window starts now. */
    default void measureStarted() {}

    /** The measured window ended now. */
    default void measureEnded() {}

    /**
     * About once a second.
     *
     * @param measuring false during the warm-up
     * @param elapsed seconds into the current phase
     * @param total length of the current phase in seconds
     * @param callsPerSecond completions per second since the last report
     */
    default void progress(boolean measuring, double elapsed, double total, double callsPerSecond) {}
  }

  private final PeerClient client;
  private final int concurrency;
  private final double targetRate;
  private final Recorder recorder = new Recorder(MAX_LATENCY_NANOS, 3);
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private volatile boolean stopping;
  private final ExecutorService trampoline =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "load-trampoline");
            t.setDaemon(true);
            return t;
          });

  private LoadGenerator(PeerClient client, int concurrency, double targetRate) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency < 1: " + concurrency);
    }
    if (targetRate < 0) {
      throw new IllegalArgumentException("targetRate < 0: " + targetRate);
    }
    this.client = client;
    this.concurrency = concurrency;
    this.targetRate = targetRate;
  }

  /**
   * Runs {@code client} for {@code warmup} and then {@code duration}, with {@code concurrency}
   * calls in flight (closed loop) or at {@code targetRate} calls per second (open loop, when
   * positive), and waits for the calls still in flight before returning.
   */
  static LoadResult run(
      PeerClient client,
      int concurrency,
      double targetRate,
      Duration warmup,
      Duration duration,
      Listener listener)
      throws InterruptedException {
    LoadGenerator g = new LoadGenerator(client, concurrency, targetRate);
    try {
      return g.run(warmup, duration, listener);
    } finally {
      g.trampoline.shutdownNow();
    }
  }

  private LoadResult run(Duration warmup, Duration duration, Listener listener)
      throws InterruptedException {
    boolean openLoop = targetRate > 0;
    CountDownLatch callersDone = new CountDownLatch(openLoop ? 1 : concurrency);
    Semaphore inFlight = new Semaphore(concurrency);
    Thread sender = null;
    if (openLoop) {
      sender = new Thread(() -> sendAtRate(inFlight, callersDone), "load-sender");
      sender.setDaemon(true);
      sender.start();
    } else {
      for (int i = 0; i < concurrency; i++) {
        new Caller(callersDone).next();
      }
    }

    // Warm-up: recorded and thrown away, except for its mean (the closed loop's send interval).
    Histogram warm = runPhase(false, warmup.toNanos(), listener, null);
    long expectedInterval = warm.getTotalCount() == 0 ? 0 : Math.max(1, (long) warm.getMean());

    long errorsBefore = errors.sum();
    listener.measureStarted();
    long start = System.nanoTime();
    Histogram total = new Histogram(MAX_LATENCY_NANOS, 3);
    runPhase(true, duration.toNanos(), listener, total);
    long end = System.nanoTime();
    total.add(recorder.getIntervalHistogram());
    long errorsInWindow = errors.sum() - errorsBefore;
    listener.measureEnded();

    stopping = true;
    if (sender != null) {
      sender.interrupt();
    }
    // Let the calls in flight finish so the client closes cleanly; they are not counted.
    callersDone.await(30, TimeUnit.SECONDS);
    if (openLoop) {
      inFlight.tryAcquire(concurrency, 30, TimeUnit.SECONDS);
    }
    Histogram corrected =
        openLoop
            ? null
            : expectedInterval == 0
                ? total.copy()
                : total.copyCorrectedForCoordinatedOmission(expectedInterval);
    return new LoadResult(
        total.getTotalCount(),
        errorsInWindow,
        (end - start) / 1e9,
        total,
        corrected,
        openLoop,
        firstError.get());
  }

  /** Sleeps through one phase in ticks of a second, reporting progress. */
  private Histogram runPhase(boolean measuring, long phaseNanos, Listener listener, Histogram into)
      throws InterruptedException {
    Histogram phase = new Histogram(MAX_LATENCY_NANOS, 3);
    long begin = System.nanoTime();
    long deadline = begin + phaseNanos;
    long last = begin;
    Histogram interval = null;
    while (true) {
      long now = System.nanoTime();
      long left = deadline - now;
      if (left <= 0) {
        break;
      }
      // The run is timed by the clock: sleeping is the point here, not a synchronisation.
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TICK_NANOS));
      now = System.nanoTime();
      if (now >= deadline) {
        break; // the final interval is taken by the caller, after the window closes
      }
      interval = recorder.getIntervalHistogram(interval);
      phase.add(interval);
      if (into != null) {
        into.add(interval);
      }
      listener.progress(
          measuring,
          (now - begin) / 1e9,
          phaseNanos / 1e9,
          interval.getTotalCount() / ((now - last) / 1e9));
      last = now;
    }
    if (into == null) {
      phase.add(recorder.getIntervalHistogram()); // the warm-up's tail
    }
    return phase;
  }

  private void record(long startNanos, Throwable failure) {
    long latency = System.nanoTime() - startNanos;
    if (failure != null) {
      errors.increment();
      if (firstError.get() == null) {
        Throwable cause =
            failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        firstError.compareAndSet(
            null, cause.getClass().getSimpleName() + ": " + cause.getMessage());
      }
      return;
    }
    recorder.recordValue(Math.min(Math.max(latency, 1), MAX_LATENCY_NANOS));
  }

  private CompletableFuture<?> startCall() {
    try {
      CompletableFuture<?> f = client.call();
      return f != null ? f : CompletableFuture.failedFuture(new NullPointerException("call"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One closed-loop caller: a chain of calls, each started by the previous one's completion. */
  private final class Caller {
    private final CountDownLatch done;

    Caller(CountDownLatch done) {
      this.done = done;
    }

    void next() {
      if (stopping) {
        done.countDown();
        return;
      }
      long start = System.nanoTime();
      startCall()
          .whenComplete(
              (reply, failure) -> {
                record(start, failure);
                continueChain();
              });
    }

    /**
     * Starts the next call, on this thread unless calls keep completing synchronously (which
     * would grow the stack without bound): then it hops to the trampoline thread.
     */
    private void continueChain() {
      int[] depth = DEPTH.get();
      if (depth[0] >= MAX_INLINE_DEPTH) {
        trampoline.execute(this::next);
        return;
      }
      depth[0]++;
      try {
        next();
      } finally {
        depth[0]--;
      }
    }
  }

  /** The open-loop sender: one call every 1/targetRate seconds, measured from that instant. */
  private void sendAtRate(Semaphore inFlight, CountDownLatch done) {
    try {
      double intervalNanos = 1e9 / targetRate;
      long t0 = System.nanoTime();
      for (long i = 0; !stopping; i++) {
        long intended = t0 + (long) (i * intervalNanos);
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
          if (stopping || Thread.currentThread().isInterrupted()) {
            return;
          }
        }
        inFlight.acquire();
        if (stopping) {
          inFlight.release();
          return;
        }
        startCall()
            .whenComplete(
                (reply, failure) -> {
                  record(intended, failure);
                  inFlight.release();
                });
      }
    } catch (InterruptedException e) {
      // stopping
    } finally {
      done.countDown();
    }
  }
}
