package io.jrpcx.cli;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** The services under a base path, each with its nodes and their metadata, sorted by name. */
final class ServiceTable {
  private final SortedMap<String, SortedMap<String, String>> services = new TreeMap<>();

  void addService(String service) {
    services.computeIfAbsent(service, s -> new TreeMap<>());
  }

  void addNode(String service, String node, String metadata) {
    services.computeIfAbsent(service, s -> new TreeMap<>()).put(node, metadata);
  }

  /**
   * Adds a key of a flat key-value layout (etcd, Consul, Redis) relative to the base path:
   * {@code Arith} is a service directory, {@code Arith/tcp@10.0.0.5:8972} a node whose value is
   * its metadata. The node part may hold slashes itself ({@code unix@/tmp/a.sock}).
   */
  void addKey(String relativeKey, String value) {
    if (relativeKey.isEmpty()) {
      return;
    }
    int slash = relativeKey.indexOf('/');
    if (slash < 0) {
      addService(relativeKey);
    } else if (slash > 0 && slash < relativeKey.length() - 1) {
      addNode(relativeKey.substring(0, slash), relativeKey.substring(slash + 1), value);
    }
  }

  /** Services by name; each maps node keys to metadata. */
  SortedMap<String, SortedMap<String, String>> services() {
    return Collections.unmodifiableSortedMap(services);
  }
}
