package io.jrpcx.registry.zookeeper;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    Objects.requireNonNull(basePath, "basePath");
    int from = 0;
    int to = basePath.length();
    while (from < to && basePath.charAt(from) == '/') {
      from++;
    }
    while (to > from && basePath.charAt(to - 1) == '/') {
      to--;
    }
    return from == to ? "" : "/" + basePath.substring(from, to);
  }

  /** {@code name} as one path segment; a slash would silently nest znodes. */
  static String segment(String what, String name) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException(what + " must be one non-empty znode name, was '"
          + name + "'");
    }
    return name;
  }

  static String connectString(String... servers) {
    if (servers.length == 0) {
      throw new IllegalArgumentException("at least one ZooKeeper server is needed");
    }
    for (String s : servers) {
      Objects.requireNonNull(s, "server");
    }
    return String.join(",", servers);
  }

  static Duration positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }

  /** A Curator client with rpcx's defaults: open ACLs, short retries. Not started. */
  static CuratorFramework newClient(String connectString, Duration sessionTimeout,
      Duration connectionTimeout) {
    return CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs(Math.toIntExact(sessionTimeout.toMillis()))
        // Waiting for a connection longer than the session lives makes no sense (Curator warns).
        .connectionTimeoutMs(Math.toIntExact(Math.min(connectionTimeout.toMillis(),
            sessionTimeout.toMillis())))
        // Our own loops retry with back-off; Curator only rides out short blips.
        .retryPolicy(new ExponentialBackoffRetry(250, 2))
        // rpcx needs no dynamic reconfiguration; do not watch /zookeeper/config.
        .ensembleTracker(false)
        .build();
  }

  static ScheduledExecutorService singleThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A Curator client shared by a template discovery and its clones: the last one to let go
   * closes it, if it was ours to close.
   */
  static final class SharedClient {
    final CuratorFramework client;
    private final boolean owned;
    private int refs = 1;

    SharedClient(CuratorFramework client, boolean owned) {
      this.client = client;
      this.owned = owned;
    }

    synchronized SharedClient retain() {
      if (refs == 0) {
        throw new IllegalStateException("the ZooKeeper discovery is closed");
      }
      refs++;
      return this;
    }

    void release() {
      boolean close;
      synchronized (this) {
        close = refs > 0 && --refs == 0 && owned;
      }
      if (close) {
        client.close();
      }
    }
  }
}
