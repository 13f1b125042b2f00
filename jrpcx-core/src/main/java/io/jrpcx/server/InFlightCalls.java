package io.jrpcx.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's count of calls in flight, and the drain a graceful shutdown waits on: once {@link
 * #startDraining()} is called no new request is run, and {@link #awaitDrained} returns when the
 * count reaches zero.
 */
final class InFlightCalls {
  private final AtomicInteger count = new AtomicInteger();
  private final Object drainLock = new Object();
  private volatile boolean draining;

  void started() {
    count.incrementAndGet();
  }

  void finished() {
    // Only a draining shutdown waits for zero; it sets draining before reading the count, so one
    // of the two always sees the other.
    if (count.decrementAndGet() == 0 && draining) {
      synchronized (drainLock) {
        drainLock.notifyAll();
      }
    }
  }

  int count() {
    return count.get();
  }

  void startDraining() {
    draining = true;
  }

  /** Whether a shutdown has stopped reading requests: any still read are not run. */
  boolean draining() {
    return draining;
  }

  /** Waits until no call is in flight, at most until {@code deadline} (a nanoTime). */
  boolean awaitDrained(long deadline) {
    synchronized (drainLock) {
      while (count.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(drainLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }
}
