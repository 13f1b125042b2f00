package io.jrpcx.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caller threads that call back to back until stopped, for fault tests: each call is counted as
 * attempted when it starts and as succeeded or failed when its outcome is known, so that a call
 * still without an outcome when the load stops is counted as lost. A call succeeds when the
 * {@link Caller} returns and fails when it throws anything (a wrong answer should throw an
 * {@link AssertionError}).
 *
 * <pre>{@code
 * Load load = Load.start("Mul", 8, (thread, i) -> {
 *   Reply r = x.call(ctx(), "Mul", new Args(thread, (int) i), Reply.class);
 *   if (r.C != thread * (int) i) throw new AssertionError(r);
 *   return null;                           // or a tag, e.g. the node that answered
 * });
 * load.awaitSucceeded(1000);
 * ... inject the fault ...
 * Load.Result result = load.stop();
 * result.report("the fault");               // one line for the closing table
 * }</pre>
 */
public final class Load implements AutoCloseable {
  /** How long {@link #stop()} waits for the threads, and {@link #awaitSucceeded} for progress. */
  public static final Duration BOUND = Duration.ofSeconds(30);

  private static final int KEPT_FAILURES = 20;

  /** One call; returns a tag for {@link #answered(String)} (or null), throws when it failed. */
  @FunctionalInterface
  public interface Caller {
    String call(int thread, long i) throws Exception;
  }

  private final String name;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong attempted = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> tags = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private Result result;

  private Load(String name) {
    this.name = name;
  }

  /** Starts {@code threads} caller threads running {@code caller} until {@link #stop()}. */
  public static Load start(String name, int threads, Caller caller) {
    Load load = new Load(name);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th = new Thread(() -> load.loop(thread, caller), "load-" + name + "-" + t);
      th.setDaemon(true);
      load.threads.add(th);
    }
    load.threads.forEach(Thread::start);
    return load;
  }

  private void loop(int thread, Caller caller) {
    for (long i = 0; running.get(); i++) {
      attempted.incrementAndGet();
      try {
        String tag = caller.call(thread, i);
        if (tag != null) {
          tags.computeIfAbsent(tag, k -> new AtomicLong()).incrementAndGet();
        }
        succeeded.incrementAndGet();
      } catch (Throwable t) {
        if (failures.size() < KEPT_FAILURES) {
          failures.add(t);
        }
        failed.incrementAndGet();
      }
    }
  }

  public long attempted() {
    return attempted.get();
  }

  public long succeeded() {
    return succeeded.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Successful calls whose caller returned {@code tag}. */
  public long answered(String tag) {
    AtomicLong n = tags.get(tag);
    return n == null ? 0 : n.get();
  }

  /** Waits (at most {@link #BOUND}) until {@code n} more calls than now have succeeded. */
  public Load awaitSucceeded(long n) {
    long target = succeeded.get() + n;
    await(name + ": " + n + " more successful calls")
        .atMost(BOUND)
        .until(() -> succeeded.get() >= target);
    return this;
  }

  /** Waits (at most {@link #BOUND}) until {@code n} more calls than now returned {@code tag}. */
  public Load awaitAnswered(String tag, long n) {
    long target = answered(tag) + n;
    await(name + ": " + n + " more calls answered by " + tag)
        .atMost(BOUND)
        .until(() -> answered(tag) >= target);
    return this;
  }

  /**
   * Stops the callers and waits at most {@link #BOUND} for each to finish its call in progress.
   * Idempotent.
   */
  public synchronized Result stop() throws InterruptedException {
    if (result != null) {
      return result;
    }
    running.set(false);
    long deadline = System.nanoTime() + BOUND.toNanos();
    List<String> stuck = new ArrayList<>();
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        stuck.add(t.getName());
      }
    }
    long a = attempted.get();
    long s = succeeded.get();
    long f = failed.get();
    result = new Result(name, a, s, f, a - s - f, List.copyOf(stuck), List.copyOf(failures));
    return result;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /**
   * What a load run came to. {@code lost} counts calls that started but never returned nor
   * threw: their threads are still stuck ({@code stuckThreads}).
   */
  public record Result(
      String name,
      long attempted,
      long succeeded,
      long failed,
      long lost,
      List<String> stuckThreads,
      List<Throwable> failures) {

    /** Prints the line of the fault table: fault / attempted / failed / lost. */
    public Result report(String fault) {
      FaultReport.print(fault, attempted, failed, lost);
      return this;
    }

    /** The first failures, with their causes, for assertion messages. */
    public String describeFailures() {
      StringBuilder sb = new StringBuilder();
      for (Throwable t : failures) {
        sb.append("\n  ").append(t);
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
          sb.append("\n    caused by ").append(c);
        }
      }
      return sb.toString();
    }
  }
}
