package io.jrpcx.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One count of the bytes a server holds for its connections, across all of them: frames being
 * buffered, decoded and inflated requests until their call ends, and responses until written.
 *
 * <p>Two levels: {@link #tryReserve} grants within the {@link #limit()}, which large frames,
 * inflation and anything a connection already holding much asks for must respect; {@link
 * #tryReserveSmall} grants past it up to a quarter more, so that a connection holding little
 * still gets its small requests read and answered while a greedy one waits. Nothing is ever
 * granted past that hard limit. A caller refused can {@link #whenAvailable wait} to be told when
 * memory was released.
 *
 * <p>Thread-safe and lock-free.
 */
public final class MemoryBudget {
  private final long limit;
  private final long hardLimit;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();

  /** A budget of {@code limit} bytes (and a hard limit a quarter above it). */
  public MemoryBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("memory budget must be positive: " + limit);
    }
    this.limit = limit;
    this.hardLimit = limit + limit / 4;
  }

  /**
   * The default budget: half of the smaller of the maximum heap and the maximum direct memory, so
   * that what the server holds for its peers always fits beside everything else the process
   * needs.
   */
  public static long defaultLimit() {
    long heap = Runtime.getRuntime().maxMemory();
    long direct = io.netty.util.internal.PlatformDependent.maxDirectMemory();
    long smaller = Math.min(heap, direct > 0 ? direct : heap);
    return Math.max(16L << 20, smaller / 2);
  }

  public long limit() {
    return limit;
  }

  /** Bytes held now. */
  public long used() {
    return used.get();
  }

  /** The most bytes ever held at once. */
  public long peak() {
    return peak.get();
  }

  /** Reserves {@code bytes} if the total stays within the limit. */
  public boolean tryReserve(long bytes) {
    return reserve(bytes, limit);
  }

  /** Reserves {@code bytes} if the total stays within the hard limit. */
  public boolean tryReserveSmall(long bytes) {
    return reserve(bytes, hardLimit);
  }

  /**
   * Reserves {@code bytes} whatever the total: for memory already allocated before it could be
   * asked for (a response computed by a service), which must still be counted.
   */
  public void forceReserve(long bytes) {
    if (bytes > 0) {
      notePeak(used.addAndGet(bytes));
    }
  }

  private boolean reserve(long bytes, long max) {
    if (bytes <= 0) {
      return true;
    }
    while (true) {
      long u = used.get();
      long next = u + bytes;
      if (next > max) {
        return false;
      }
      if (used.compareAndSet(u, next)) {
        notePeak(next);
        return true;
      }
    }
  }

  private void notePeak(long now) {
    // A plain read first: the peak rarely moves, and a write per call would be contended.
    if (now > peak.get()) {
      peak.accumulateAndGet(now, Math::max);
    }
  }

  /** Gives back {@code bytes} reserved before, and wakes the waiters if that made room. */
  public void release(long bytes) {
    if (bytes <= 0) {
      return;
    }
    long u = used.addAndGet(-bytes);
    if (u < limit && !waiters.isEmpty()) {
      wakeAll();
    }
  }

  /**
   * Runs {@code wakeUp} once, soon after memory is released below the limit (at once if it already
   * is), on the releasing thread: it must only hand work to another thread.
   */
  public void whenAvailable(Runnable wakeUp) {
    waiters.add(wakeUp);
    // A release between the caller's refusal and this add would not have seen the waiter.
    if (used.get() < limit) {
      wakeAll();
    }
  }

  private void wakeAll() {
    Runnable r;
    while ((r = waiters.poll()) != null) {
      r.run();
    }
  }

  @Override
  public String toString() {
    return "MemoryBudget[used=" + used.get() + ", limit=" + limit + "]";
  }
}
