package io.jrpcx.client.selector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: tasks run on the test's thread when the test calls
 * {@link #runDue()} or moves the fake clock with {@link #advance}. Makes "after the probe" and
 * "after one interval" exact points in a test instead of races.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final List<Task<?>> tasks = new ArrayList<>();
  private long nowNanos;
  private long sequence;
  private boolean shutdown;

  /** Runs every task that is due now, including those that running tasks schedule for now. */
  void runDue() {
    while (true) {
      Task<?> next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> t.dueNanos <= nowNanos && !t.isCancelled())
                .min(Comparator.comparingLong((Task<?> t) -> t.dueNanos).thenComparing(t -> t.seq))
                .orElse(null);
        if (next == null) {
          return;
        }
        tasks.remove(next);
      }
      next.runOnce();
    }
  }

  /** Moves the clock forward and runs what has come due. */
  void advance(Duration d) {
    synchronized (this) {
      nowNanos += d.toNanos();
    }
    runDue();
  }

  /** How many tasks wait, periodic ones included. */
  synchronized int queued() {
    return (int) tasks.stream().filter(t -> !t.isCancelled()).count();
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(Executors.callable(command), unit.toNanos(delay), 0);
  }

  @Override
  public synchronized <V> ScheduledFuture<V> schedule(
      Callable<V> callable, long delay, TimeUnit unit) {
    return add(callable, unit.toNanos(delay), 0);
  }

  @Override
  public synchronized ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return add(Executors.callable(command), unit.toNanos(initialDelay), unit.toNanos(period));
  }

  @Override
  public synchronized ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return add(Executors.callable(command), unit.toNanos(initialDelay), unit.toNanos(delay));
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  private <V> Task<V> add(Callable<V> callable, long delayNanos, long periodNanos) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    Task<V> task = new Task<>(callable, nowNanos + delayNanos, periodNanos, sequence++);
    tasks.add(task);
    return task;
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    tasks.clear();
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown();
    return List.of();
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    private long dueNanos;
    private final long periodNanos;
    private final long seq;

    Task(Callable<V> callable, long dueNanos, long periodNanos, long seq) {
      super(callable);
      this.dueNanos = dueNanos;
      this.periodNanos = periodNanos;
      this.seq = seq;
    }

    void runOnce() {
      if (periodNanos == 0) {
        run();
        return;
      }
      // Like a real scheduler, a periodic task that throws is not run again.
      if (runAndReset()) {
        synchronized (ManualScheduler.this) {
          if (!shutdown) {
            dueNanos = nowNanos + periodNanos;
            tasks.add(this);
          }
        }
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (ManualScheduler.this) {
        return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
