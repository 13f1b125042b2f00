package io.jrpcx.client.discovery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base that discoveries extend: it keeps the current node list, the filter and the watchers, so
 * that a registry module only has to call {@link #publish(List)} with the full node list whenever
 * its source reports one, and implement {@link #clone(String)} and, if it holds resources,
 * {@link #doClose()}.
 *
 * <p>Delivery rules, which every subclass inherits:
 *
 * <ul>
 *   <li>Watchers receive the full filtered list, and only when it differs from the list they were
 *       last given (compared in order, so a source that reorders its nodes should sort them).
 *   <li>Watchers are called one at a time and in publish order, on the thread of a publisher. When
 *       publishers race, the thread already delivering delivers the newer list too, so a watcher may
 *       skip a list that was replaced before it could be delivered, but always ends with the latest.
 *       Nothing waits for a slow watcher and nothing is dropped for lack of buffer space, unlike the
 *       bounded channels of Go rpcx.
 *   <li>A watcher that throws is logged and the others are still called.
 *   <li>After {@link #close()}, publishes, new watchers and deliveries not yet started are ignored.
 * </ul>
 *
 * <p>This class is thread-safe; subclasses may publish from any thread.
 */
public abstract class AbstractServiceDiscovery implements ServiceDiscovery {
  private static final Logger log = LoggerFactory.getLogger(AbstractServiceDiscovery.class);

  private final CopyOnWriteArrayList<Watcher> watchers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object lock = new Object();

  // Written under lock; volatile so services() never waits behind a delivery.
  private volatile List<KVPair> all = List.of();
  private volatile List<KVPair> filtered = List.of();
  private volatile Throwable lastError;

  // Guarded by lock.
  private Predicate<KVPair> filter;
  private List<KVPair> delivered = List.of();
  private boolean delivering;

  /** Creates a discovery with no nodes, no filter and no watchers. */
  protected AbstractServiceDiscovery() {}

  /**
   * Replaces the node list with {@code nodes} and tells the watchers if the filtered list changed.
   * Unless another thread is delivering at the same time, the watchers have been called when this
   * returns. Ignored after {@link #close()}.
   *
   * @throws NullPointerException if {@code nodes} or one of its elements is null
   */
  protected final void publish(List<KVPair> nodes) {
    List<KVPair> copy = List.copyOf(nodes);
    if (closed.get()) {
      return;
    }
    lastError = null;
    synchronized (lock) {
      filtered = apply(filter, copy);
      all = copy;
    }
    deliver();
  }

  /**
   * Records that reading the source failed, for {@link #lastError()}, until the next {@link
   * #publish}; the nodes published before stay. Logging the failure is the caller's part: it
   * knows whether it retries.
   */
  protected final void readFailed(Throwable cause) {
    lastError = cause;
  }

  @Override
  public Throwable lastError() {
    return lastError;
  }

  /** The latest published list, before the filter; never null. */
  protected final List<KVPair> unfilteredServices() {
    return all;
  }

  /** Whether {@link #close()} has been called. */
  protected final boolean isClosed() {
    return closed.get();
  }

  /**
   * Releases what the subclass holds; called once, by the first {@link #close()}, after the
   * watchers have been removed. Does nothing by default.
   */
  protected void doClose() {}

  @Override
  public final List<KVPair> services() {
    return filtered;
  }

  @Override
  public final void watch(Watcher watcher) {
    if (watcher == null) {
      throw new NullPointerException("watcher");
    }
    watchers.add(watcher);
    // close() may have cleared the list between the check it implies and the add.
    if (closed.get()) {
      watchers.remove(watcher);
    }
  }

  @Override
  public final void removeWatcher(Watcher watcher) {
    watchers.remove(watcher);
  }

  @Override
  public final void setFilter(Predicate<KVPair> filter) {
    synchronized (lock) {
      // Filter first: a filter that throws leaves the discovery as it was.
      filtered = apply(filter, all);
      this.filter = filter;
    }
    deliver();
  }

  @Override
  public final void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watchers.clear();
    doClose();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + filtered;
  }

  private static List<KVPair> apply(Predicate<KVPair> filter, List<KVPair> nodes) {
    return filter == null ? nodes : nodes.stream().filter(filter).toList();
  }

  /**
   * Delivers the latest filtered list unless another thread is already delivering, in which case
   * that thread will see the new list when it loops. The hand-off keeps watchers serial and ordered
   * without making publishers wait for one another, and lets a watcher publish without recursing.
   */
  private void deliver() {
    synchronized (lock) {
      if (delivering) {
        return;
      }
      delivering = true;
    }
    boolean done = false;
    try {
      while (true) {
        List<KVPair> next;
        synchronized (lock) {
          next = filtered;
          if (closed.get() || next.equals(delivered)) {
            delivering = false;
            done = true;
            return;
          }
          delivered = next;
        }
        for (Watcher w : watchers) {
          if (closed.get()) {
            break;
          }
          call(w, next);
        }
      }
    } finally {
      if (!done) {
        // Only an Error gets here; let the next publish deliver rather than stall forever.
        synchronized (lock) {
          delivering = false;
        }
      }
    }
  }

  private void call(Watcher watcher, List<KVPair> nodes) {
    try {
      watcher.onUpdate(nodes);
    } catch (Exception e) {
      log.warn("{}: watcher {} failed on an update of {} nodes", this, watcher, nodes.size(), e);
    }
  }
}
