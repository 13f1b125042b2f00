package io.jrpcx.server;

import java.util.Deque;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own handler executor: at most {@code maxThreads} threads, started when needed and
 * stopped after a minute idle, and at most {@code maxQueued} calls waiting for one; beyond that
 * {@link #execute} refuses. So far what a {@code ThreadPoolExecutor} over a bounded queue gives.
 *
 * <p>What differs is the cost of a hand-off. A thread pool whose idle threads park in the queue
 * wakes a parked thread for nearly every call that arrives while none is running, and that thread
 * parks again after the call: two system calls and two context switches per call, which cost the
 * server about as much CPU as the call itself (BENCHMARKS.md, issue 21). Here a thread that runs
 * out of calls first looks for the next one for a short while ({@link #SEARCH_NANOS}, less while
 * its looks find nothing) before it parks, and an arriving call wakes a parked thread only when
 * no thread is looking. Under steady load calls are taken by threads that are already awake.
 *
 * <p>Blocking handlers keep running side by side as before: a thread that takes a call while it
 * looks wakes another when more calls wait and no one else looks, and a call that arrives while
 * every awake thread is inside a handler wakes or starts one more, up to {@code maxThreads}.
 */
final class HandlerPool implements Executor {
  private static final Logger log = LoggerFactory.getLogger(HandlerPool.class);

  /** How long a thread without calls looks for the next before it parks, at most. */
  static final long SEARCH_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  /**
   * How long at least: a thread whose looks keep finding nothing (calls far apart, as at one
   * call in flight) halves its look each time down to this, so a lightly loaded server does not
   * burn a core looking; one look that finds a call restores the whole.
   */
  static final long MIN_SEARCH_NANOS = TimeUnit.MICROSECONDS.toNanos(2);

  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Spins between yields while looking: a yield lets the network thread in on a busy core. */
  private static final int SPINS_PER_YIELD = 16;

  private final int maxThreads;
  private final int maxQueued;
  private final long keepAliveNanos;
  private final ThreadFactory threadFactory;

  private final Queue<Runnable> calls = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger threads = new AtomicInteger();

  /** Threads looking for a call, awake: while one is, an arriving call wakes no one. */
  private final AtomicInteger searching = new AtomicInteger();

  /** Parked threads, the most recently parked first (its caches are the warmest). */
  private final Deque<Worker> parked = new ConcurrentLinkedDeque<>();

  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private volatile boolean shutdown;

  HandlerPool(int maxThreads, int maxQueued, ThreadFactory threadFactory) {
    this(maxThreads, maxQueued, KEEP_ALIVE_NANOS, threadFactory);
  }

  HandlerPool(int maxThreads, int maxQueued, long keepAliveNanos, ThreadFactory threadFactory) {
    if (maxThreads < 1 || maxQueued < 1) {
      throw new IllegalArgumentException("maxThreads and maxQueued must be positive");
    }
    this.maxThreads = maxThreads;
    this.maxQueued = maxQueued;
    this.keepAliveNanos = keepAliveNanos;
    this.threadFactory = threadFactory;
  }

  /**
   * Runs {@code call} on a handler thread.
   *
   * @throws RejectedExecutionException when the pool is shut down or {@code maxQueued} calls
   *     already wait
   */
  @Override
  public void execute(Runnable call) {
    Objects.requireNonNull(call, "call");
    if (shutdown) {
      throw new RejectedExecutionException("the handler pool is shut down");
    }
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      throw new RejectedExecutionException(maxQueued + " calls already wait for a handler thread");
    }
    calls.offer(call);
    if (searching.get() == 0 && !wakeOrStart() && threads.get() == 0 && calls.remove(call)) {
      // No thread exists to take it, and none could be started: refused, not left behind.
      queued.decrementAndGet();
      throw new RejectedExecutionException("no handler thread could be started");
    }
  }

  /** Threads alive now. */
  int threads() {
    return threads.get();
  }

  /** Threads parked now, waiting to be woken. */
  int parkedThreads() {
    return parked.size();
  }

  /** Stops taking calls, drops those waiting, and interrupts the threads running calls. */
  void shutdownNow() {
    shutdown = true;
    while (calls.poll() != null) {
      queued.decrementAndGet();
    }
    for (Worker w : workers) {
      w.thread.interrupt();
      LockSupport.unpark(w.thread);
    }
  }

  /** Wakes a parked thread or starts one; false only when a needed thread failed to start. */
  private boolean wakeOrStart() {
    Worker w = parked.pollFirst();
    if (w != null) {
      w.wake();
      return true;
    }
    for (int n = threads.get(); n < maxThreads; n = threads.get()) {
      if (threads.compareAndSet(n, n + 1)) {
        return start();
      }
    }
    // Every thread is inside a handler: the first to come out takes the call.
    return true;
  }

  private boolean start() {
    Worker w = new Worker();
    try {
      Thread t = threadFactory.newThread(w);
      if (t == null) {
        throw new IllegalStateException("the thread factory made no thread");
      }
      w.thread = t;
      workers.add(w);
      t.start();
      return true;
    } catch (RuntimeException | Error e) {
      // Out of native threads, say: the threads there are take the calls.
      workers.remove(w);
      threads.decrementAndGet();
      log.warn("could not start a handler thread: {}", e.toString());
      return false;
    }
  }

  private Runnable poll() {
    Runnable call = calls.poll();
    if (call != null) {
      queued.decrementAndGet();
    }
    return call;
  }

  private final class Worker implements Runnable {
    volatile Thread thread;
    private volatile boolean woken;

    /** How long this thread looks next time; only this thread touches it. */
    private long searchNanos = SEARCH_NANOS;

    void wake() {
      woken = true;
      LockSupport.unpark(thread);
    }

    @Override
    public void run() {
      try {
        Runnable call;
        while ((call = take()) != null) {
          try {
            call.run();
          } catch (Throwable t) {
            Thread current = Thread.currentThread();
            current.getUncaughtExceptionHandler().uncaughtException(current, t);
          }
          if (!shutdown) {
            // A call's interrupt reaches neither the next call nor this thread's parking.
            Thread.interrupted();
          }
        }
      } finally {
        workers.remove(this);
      }
    }

    /** The next call, or null when this thread is to end (shut down, or idle too long). */
    private Runnable take() {
      while (true) {
        Runnable call = poll();
        if (call != null) {
          return call;
        }
        if (shutdown) {
          retire();
          return null;
        }
        call = search();
        if (call != null) {
          return call;
        }
        if (!park()) {
          return null;
        }
      }
    }

    /** Looks for a call for {@link #searchNanos}, counted as searching. */
    private Runnable search() {
      searching.incrementAndGet();
      Runnable call = null;
      long deadline = System.nanoTime() + searchNanos;
      for (int spins = 1; !shutdown; spins++) {
        call = poll();
        if (call != null || System.nanoTime() - deadline > 0) {
          break;
        }
        if (spins % SPINS_PER_YIELD == 0) {
          Thread.yield();
        } else {
          Thread.onSpinWait();
        }
      }
      searching.decrementAndGet();
      searchNanos = call != null ? SEARCH_NANOS : Math.max(MIN_SEARCH_NANOS, searchNanos / 2);
      if (call == null) {
        // Offered while this thread was counted as searching, so its execute woke no one.
        call = poll();
      }
      if (call != null && searching.get() == 0 && !calls.isEmpty()) {
        // This thread's call may block: more calls wait, so someone else must look for them.
        wakeOrStart();
      }
      return call;
    }

    /**
     * Parks until woken; false when this thread is to end instead (shut down, or idle for the
     * keep-alive and not chosen by a wake meanwhile).
     */
    private boolean park() {
      woken = false;
      parked.push(this);
      if ((!calls.isEmpty() || shutdown) && parked.remove(this)) {
        // A call came after the last look and its execute found no one parked: take it.
        return true;
      }
      long deadline = System.nanoTime() + keepAliveNanos;
      while (!woken) {
        long left = deadline - System.nanoTime();
        if (shutdown || left <= 0) {
          if (parked.remove(this)) {
            retire();
            return false;
          }
          // Chosen by a wake just now: it is on its way.
          LockSupport.park(this);
          continue;
        }
        LockSupport.parkNanos(this, left);
      }
      return true;
    }

    /** Ends this thread; a call that came meanwhile and woke no one gets a thread still. */
    private void retire() {
      threads.decrementAndGet();
      if (!shutdown && !calls.isEmpty() && searching.get() == 0) {
        wakeOrStart();
      }
    }
  }
}
