package io.jrpcx.console;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest reading of the registry, kept by one thread that re-reads it every
 * {@code interval} and, where the registry's client can watch (etcd), as soon as it reports a
 * change; listeners hear of every reading that differs from the one before.
 */
final class RegistryView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryView.class);

  /** Watch events come in bursts (one per key a server writes): one re-read per burst. */
  private static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** One reading: the services, or why the registry could not be read (then the last services). */
  record Snapshot(
      long version, SortedMap<String, SortedMap<String, String>> services, String error) {}

  private final RegistryStore store;
  private final Duration interval;
  private final Semaphore wake = new Semaphore(0);
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile Snapshot current = new Snapshot(0, Collections.emptySortedMap(), null);
  private volatile boolean closed;

  RegistryView(RegistryStore store, Duration interval) {
    this.store = store;
    this.interval = interval;
    this.thread = new Thread(this::run, "jrpcx-console-registry");
    thread.setDaemon(true);
  }

  /** Reads the registry once (so the first page is not empty), then keeps reading it. */
  void start() {
    readOnce();
    thread.start();
  }

  Snapshot current() {
    return current;
  }

  void addListener(Consumer<Snapshot> l) {
    listeners.add(l);
  }

  void removeListener(Consumer<Snapshot> l) {
    listeners.remove(l);
  }

  /** Asks for a re-read now. */
  void refresh() {
    wake.release();
  }

  /** The first reading, current or later, that {@code condition} accepts. */
  CompletableFuture<Snapshot> when(Predicate<Snapshot> condition) {
    CompletableFuture<Snapshot> f = new CompletableFuture<>();
    Consumer<Snapshot> l =
        s -> {
          if (condition.test(s)) {
            f.complete(s);
          }
        };
    addListener(l);
    f.whenComplete((s, e) -> removeListener(l));
    l.accept(current);
    return f;
  }

  private void run() {
    long last = System.nanoTime();
    while (!closed) {
      try {
        wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
        long gap = MIN_GAP_NANOS - (System.nanoTime() - last);
        if (gap > 0) {
          TimeUnit.NANOSECONDS.sleep(gap); // rate limit, not synchronisation
        }
      } catch (InterruptedException e) {
        return;
      }
      last = System.nanoTime();
      readOnce();
    }
  }

  private void readOnce() {
    if (closed) {
      return;
    }
    Snapshot before = current;
    SortedMap<String, SortedMap<String, String>> services = before.services();
    String error = null;
    try {
      store.watch(this::refresh);
      services = store.read();
    } catch (Exception e) {
      error =
          "cannot read "
              + store.describe()
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      log.debug("{}", error, e);
    }
    if (services.equals(before.services()) && Objects.equals(error, before.error())) {
      return;
    }
    Snapshot next = new Snapshot(before.version() + 1, services, error);
    current = next;
    for (Consumer<Snapshot> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        log.warn("a registry listener failed", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
