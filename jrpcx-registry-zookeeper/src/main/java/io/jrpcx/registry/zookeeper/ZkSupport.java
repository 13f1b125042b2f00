package io.jrpcx.registry.zookeeper;

import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.RegistryBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** What the plugin and the discovery share: paths and client settings. */
final class ZkSupport {
  /** rpcx's default session timeout (libkv's default {@code ConnectionTimeout}). */
  static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long one operation waits for a connection. Shorter than Curator's 15 s so that a server
   * shutting down during a ZooKeeper outage is not held up for long.
   */
  static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  private ZkSupport() {}

  /**
   * The znode of {@code basePath}: Go strips one leading {@code /} and libkv puts it back, so
   * {@code rpcx_test} and {@code /rpcx_test} are the same node. Trailing slashes are dropped; an
   * empty base path is the root, returned as the empty string so children read {@code /Arith}.
   */
  static String basePath(String basePath) {
    String trimmed = RegistryBuilder.trimSlashes(Objects.requireNonNull(basePath, "basePath"));
    return trimmed.isEmpty() ? "" : "/" + trimmed;
  }

  /** {@code name} as one path segment; a slash would silently nest znodes. */
  static String segment(String what, String name) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          what + " must be one non-empty znode name, was '" + name + "'");
    }
    return name;
  }

  static String connectString(String... servers) {
    if (servers.length == 0) {
      throw new IllegalArgumentException("at least one ZooKeeper server is needed");
    }
    List<String> hosts = new ArrayList<>();
    for (String s : servers) {
      Objects.requireNonNull(s, "server");
      // A zookeeper://h:p[,h:p] registry address stands for its host list.
      hosts.addAll(
          RegistryAddress.isUrl(s)
              ? RegistryAddress.parse(s).hostsFor(2181, "zookeeper", "zk")
              : List.of(s));
    }
    return String.join(",", hosts);
  }

  /** A Curator client with rpcx's defaults: open ACLs, short retries. Not started. */
  static CuratorFramework newClient(
      String connectString, Duration sessionTimeout, Duration connectionTimeout) {
    return CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs(Math.toIntExact(sessionTimeout.toMillis()))
        // Waiting for a connection longer than the session lives makes no sense (Curator warns).
        .connectionTimeoutMs(
            Math.toIntExact(Math.min(connectionTimeout.toMillis(), sessionTimeout.toMillis())))
        // Our own loops retry with back-off; Curator only rides out short blips.
        .retryPolicy(new ExponentialBackoffRetry(250, 2))
        // rpcx needs no dynamic reconfiguration; do not watch /zookeeper/config.
        .ensembleTracker(false)
        .build();
  }
}
