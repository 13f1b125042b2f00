package io.jrpcx.console;

import io.jrpcx.registry.RegistryAddress;
import java.time.Duration;
import java.util.SortedMap;

/**
 * One kind of registry as the console reads and edits it, in rpcx's layout for it (spec §3.11):
 * every service under a base path with the metadata of each node, and a node's metadata rewritten
 * in place the way rpcx-ui rewrites it, keeping what makes the entry die with its server (etcd's
 * lease, ZooKeeper's ephemeral owner, Consul's session, Redis' TTL).
 */
interface RegistryStore extends AutoCloseable {

  /** Names the registry in messages: {@code etcd at 127.0.0.1:2379}. */
  String describe();

  /** Services by name, each mapping its node keys ({@code tcp@host:port}) to their metadata. */
  SortedMap<String, SortedMap<String, String>> read() throws Exception;

  /**
   * Why nodes of this registry cannot be steered; null for a {@link WritableStore}, whose nodes
   * can.
   */
  default String readOnly() {
    return describe() + " cannot be steered";
  }

  /**
   * Calls {@code changed} (on the client's thread; it must not block) whenever something under
   * the base path may have changed; returns false when this registry's client cannot watch, and
   * the console then re-reads on a timer.
   */
  default boolean watch(Runnable changed) {
    return false;
  }

  @Override
  void close();

  /** The store for a registry URL ({@link RegistryAddress}) and base path. */
  static RegistryStore open(String url, String basePath, Duration timeout) {
    RegistryAddress address = RegistryAddress.parse(url);
    return switch (address.scheme()) {
      case "etcd" -> new EtcdStore(address.hostsFor(2379, "etcd"), basePath, timeout);
      case "zookeeper", "zk" ->
          new ZooKeeperStore(
              String.join(",", address.hostsFor(2181, "zookeeper", "zk")), basePath, timeout);
      case "consul" -> new ConsulStore(address.hostFor(8500, "consul"), basePath, timeout);
      case "redis", "rediss" -> new RedisStore(url, basePath, timeout);
      case "mdns" -> new MdnsStore(url);
      default ->
          throw new IllegalArgumentException(
              "registry '"
                  + url
                  + "': unknown kind '"
                  + address.scheme()
                  + "'; use etcd://, zookeeper://, consul://, redis:// or mdns://");
    };
  }

  /** {@code path} without trailing slashes, but {@code /} stays. */
  static String trimTrailingSlashes(String path) {
    int to = path.length();
    while (to > 1 && path.charAt(to - 1) == '/') {
      to--;
    }
    return path.substring(0, to);
  }

  /** {@code path} without leading and trailing slashes. */
  static String trimSlashes(String path) {
    int from = 0;
    while (from < path.length() && path.charAt(from) == '/') {
      from++;
    }
    return trimTrailingSlashes(path.substring(from));
  }

  /**
   * Adds a key of a flat key-value layout relative to the base path: {@code Arith} is a service
   * directory, {@code Arith/tcp@10.0.0.5:8972} a node whose value is its metadata; the node part
   * may hold slashes itself ({@code unix@/tmp/a.sock}).
   */
  static void addKey(
      SortedMap<String, SortedMap<String, String>> services, String relativeKey, String value) {
    if (relativeKey.isEmpty()) {
      return;
    }
    int slash = relativeKey.indexOf('/');
    if (slash < 0) {
      services.computeIfAbsent(relativeKey, s -> new java.util.TreeMap<>());
    } else if (slash > 0 && slash < relativeKey.length() - 1) {
      services
          .computeIfAbsent(relativeKey.substring(0, slash), s -> new java.util.TreeMap<>())
          .put(relativeKey.substring(slash + 1), value);
    }
  }
}
