package io.jrpcx.client.discovery;

import java.util.List;
import java.util.function.Predicate;

/**
 * Where the nodes of one service come from, rpcx's {@code ServiceDiscovery}. An
 * {@link io.jrpcx.client.XClient} reads {@link #services()} once and then follows
 * {@link #watch(Watcher) watch} updates, each of which carries the full current list.
 *
 * <p>Registry modules (ZooKeeper, etcd, Consul, mDNS, Redis) implement this interface, usually
 * by extending {@link AbstractServiceDiscovery}. Implementations are thread-safe.
 */
public interface ServiceDiscovery extends AutoCloseable {

  /** The current nodes, with the filter applied; never null, possibly empty. */
  List<KVPair> services();

  /**
   * Subscribes {@code watcher} to every later change of the node list; each call gets the full
   * filtered list. Watchers are called on the discovery's own thread and must not block.
   * Discoveries whose list never changes accept watchers and never call them.
   */
  void watch(Watcher watcher);

  /** Unsubscribes a watcher; unknown watchers are ignored. */
  void removeWatcher(Watcher watcher);

  /**
   * A discovery of the same kind and configuration for another service, used by
   * {@link io.jrpcx.client.OneClient} to follow each service it calls.
   */
  ServiceDiscovery clone(String servicePath);

  /**
   * Keeps only the nodes {@code filter} accepts, in {@link #services()} and in every later watch
   * update; null removes the filter.
   */
  void setFilter(Predicate<KVPair> filter);

  /**
   * Why the latest attempt to read the source (a registry) failed, or null when it succeeded or
   * the discovery cannot fail. An {@link io.jrpcx.client.XClient} that finds no node names it.
   */
  default Throwable lastError() {
    return null;
  }

  /** Stops watching the source and releases what the discovery holds. Idempotent. */
  @Override
  void close();

  /** Receives the full node list on every change. */
  @FunctionalInterface
  interface Watcher {
    void onUpdate(List<KVPair> services);
  }
}
