package io.jrpcx.registry.zookeeper;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.Backoff;
import io.jrpcx.registry.Daemons;
import io.jrpcx.registry.DiscoveryBuilder;
import io.jrpcx.registry.RegistryDiscovery;
import io.jrpcx.registry.SharedClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.WatcherRemoveCuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the servers of one service in ZooKeeper, rpcx-zookeeper's {@code ZookeeperDiscovery}:
 * the children of {@code <basePath>/<servicePath>}, each named {@code network@host:port} with
 * the server's metadata as its data, whether a Go rpcx server or a
 * {@link ZooKeeperRegisterPlugin} wrote them.
 *
 * <pre>{@code
 * try (ZooKeeperDiscovery d = ZooKeeperDiscovery.create("/rpcx_test", "Arith", "127.0.0.1:2181");
 *     XClient x = XClient.create("Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d,
 *         ClientOptions.DEFAULT)) {
 *   Reply r = x.call(ctx, "Mul", new Args(7, 8), Reply.class);
 * }
 * }</pre>
 *
 * <p><b>Watching.</b> It watches the children of the service directory <em>and the data of every
 * child</em>, so a node that is marked {@code state=inactive} or given another {@code weight} is
 * seen at once; Go's libkv watch only follows children and misses such changes. Each change
 * re-reads the whole directory and publishes the full list, sorted by key. A directory that does
 * not exist yet reads as no servers and is watched until it appears.
 *
 * <p><b>Failures.</b> When a read fails (the registry is unreachable) the last list is kept and
 * the read retried with a jittered back-off, 1 s doubling to 30 s; a reconnection, including one after the
 * session expired or the registry restarted, re-reads at once and sets the watches again.
 *
 * <p><b>Templates.</b> {@link #template} (or a builder without a service path) makes a discovery
 * that lists nothing and serves {@link io.jrpcx.client.OneClient}: its {@link #clone(String)
 * clones} share its ZooKeeper connection, which closes when the template and every clone are
 * closed.
 */
public final class ZooKeeperDiscovery extends RegistryDiscovery {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperDiscovery.class);

  private final SharedClient<CuratorFramework> shared;
  private final String path;
  private final Duration connectionTimeout;
  // Non-null only when watching a service (not for a template).
  private final WatcherRemoveCuratorFramework zk;
  private final ScheduledExecutorService reader;
  private final AtomicBoolean readNeeded = new AtomicBoolean();
  private final org.apache.zookeeper.Watcher zkWatcher = this::watched;
  private final ConnectionStateListener connectionListener = this::connectionStateChanged;
  private final Backoff backoff = Backoff.registry();

  private ZooKeeperDiscovery(
      SharedClient<CuratorFramework> shared,
      String base,
      String servicePath,
      Duration connectionTimeout) {
    super(base, servicePath);
    this.shared = shared;
    this.connectionTimeout = connectionTimeout;
    if (servicePath == null) {
      this.path = null;
      this.zk = null;
      this.reader = null;
      return;
    }
    this.path = base + "/" + servicePath;
    this.zk = shared.get().newWatcherRemoveCuratorFramework();
    this.reader = Daemons.singleThread("jrpcx-zk-discovery-" + servicePath);
    shared.get().getConnectionStateListenable().addListener(connectionListener, reader);
    firstRead();
  }

  /**
   * Discovers {@code servicePath} under {@code basePath} (Go's
   * {@code NewZookeeperDiscovery(basePath, servicePath, zkAddrs, nil)}), with the default session
   * and connection timeouts.
   */
  public static ZooKeeperDiscovery create(
      String basePath, String servicePath, String... zkServers) {
    return builder().zkServers(zkServers).basePath(basePath).servicePath(servicePath).build();
  }

  /**
   * A template for {@link io.jrpcx.client.OneClient}: lists nothing itself; {@link #clone}
   * discovers one service under {@code basePath} (Go's {@code NewZookeeperDiscoveryTemplate}).
   */
  public static ZooKeeperDiscovery template(String basePath, String... zkServers) {
    return builder().zkServers(zkServers).basePath(basePath).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The discovery of {@code servicePath} under the same base path, on the same connection. */
  @Override
  public ZooKeeperDiscovery clone(String servicePath) {
    String name = cloneable(ZkSupport.segment("servicePath", servicePath));
    return new ZooKeeperDiscovery(shared.retain(), basePath(), name, connectionTimeout);
  }

  /**
   * Reads the list before returning, so that an XClient made next starts with the servers, if
   * ZooKeeper answers within the connection timeout; otherwise the list arrives later.
   */
  private void firstRead() {
    readNeeded.set(true);
    try {
      if (shared
          .get()
          .blockUntilConnected(
              Math.toIntExact(connectionTimeout.toMillis()), TimeUnit.MILLISECONDS)) {
        reader
            .submit(this::readIfNeeded)
            .get(connectionTimeout.toMillis() * 3, TimeUnit.MILLISECONDS);
        return;
      }
      String where = shared.get().getZookeeperClient().getCurrentConnectionString();
      readFailed(
          new java.net.ConnectException(
              "ZooKeeper " + where + " not reachable within " + connectionTimeout));
      log.warn(
          "ZooKeeper {} not reachable within {}; {} will be listed once it is",
          where,
          connectionTimeout,
          path);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      readFailed(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
      log.warn("first read of {} failed; retrying", path, e);
    }
    requestRead(0);
  }

  private void watched(WatchedEvent event) {
    // Connection events reach every watcher too; the connection listener handles those.
    if (event.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) {
      requestRead(0);
    }
  }

  private void connectionStateChanged(CuratorFramework c, ConnectionState state) {
    if (state.isConnected()) {
      // A new session has none of our watches; a reconnected one may have missed changes.
      backoff.reset();
      requestRead(0);
    }
  }

  private void requestRead(long delayMs) {
    readNeeded.set(true);
    if (isClosed()) {
      return;
    }
    try {
      reader.schedule(this::readIfNeeded, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void readIfNeeded() {
    if (isClosed() || !readNeeded.getAndSet(false)) {
      return;
    }
    try {
      List<KVPair> nodes = read();
      if (nodes != null) {
        publish(nodes);
      }
      backoff.reset();
    } catch (Exception e) {
      if (isClosed()) {
        return;
      }
      readFailed(e);
      long delayMs = backoff.next().toMillis();
      log.warn(
          "reading {} from ZooKeeper failed ({}); keeping {} servers, retrying in {} ms",
          path,
          e.toString(),
          unfilteredServices().size(),
          delayMs);
      requestRead(delayMs);
    }
  }

  /**
   * The children of the service directory with their data, sorted by key, setting a watch on the
   * directory and on each child; null when the directory appeared while being looked at and must
   * be read again.
   */
  private List<KVPair> read() throws Exception {
    List<String> children;
    try {
      children = new ArrayList<>(zk.getChildren().usingWatcher(zkWatcher).forPath(path));
    } catch (KeeperException.NoNodeException e) {
      if (zk.checkExists().usingWatcher(zkWatcher).forPath(path) != null) {
        requestRead(0);
        return null;
      }
      return List.of();
    }
    Collections.sort(children);
    List<KVPair> nodes = new ArrayList<>(children.size());
    for (String child : children) {
      byte[] data;
      try {
        data = zk.getData().usingWatcher(zkWatcher).forPath(path + "/" + child);
      } catch (KeeperException.NoNodeException e) {
        continue; // gone since the listing; the directory watch has fired too
      }
      nodes.add(new KVPair(child, data == null ? "" : new String(data, StandardCharsets.UTF_8)));
    }
    return nodes;
  }

  @Override
  protected void doClose() {
    if (reader != null) {
      reader.shutdownNow();
      shared.get().getConnectionStateListenable().removeListener(connectionListener);
      try {
        zk.removeWatchers();
      } catch (RuntimeException e) {
        log.debug("removing the watches of {} failed", path, e);
      }
    }
    shared.release();
  }

  @Override
  public String toString() {
    return "ZooKeeperDiscovery{"
        + (path == null ? (basePath().isEmpty() ? "/" : basePath()) + " template" : path)
        + "}"
        + services();
  }

  /**
   * Configures a {@link ZooKeeperDiscovery}. Either {@link #zkServers} or {@link #client} is
   * required; without {@link #servicePath} the result is a template. The base path's leading
   * slash is optional.
   */
  public static final class Builder extends DiscoveryBuilder<Builder> {
    private String connectString;
    private CuratorFramework client;
    private Duration sessionTimeout = ZkSupport.DEFAULT_SESSION_TIMEOUT;
    private Duration connectionTimeout = ZkSupport.DEFAULT_CONNECTION_TIMEOUT;

    private Builder() {}

    /**
     * The ZooKeeper ensemble, {@code host:port} each or a {@code zookeeper://h:p[,h:p]} registry
     * address; the discovery opens its own client.
     */
    public Builder zkServers(String... servers) {
      this.connectString = ZkSupport.connectString(servers);
      return this;
    }

    /**
     * Uses an existing, started Curator client instead of opening one; the caller closes it
     * after the discovery.
     */
    public Builder client(CuratorFramework client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The service to follow, one znode name, e.g. {@code Arith}; unset for a template. */
    @Override
    public Builder servicePath(String servicePath) {
      return super.servicePath(ZkSupport.segment("servicePath", servicePath));
    }

    /** The ZooKeeper session timeout of the client this opens (default 10 s). */
    public Builder sessionTimeout(Duration sessionTimeout) {
      this.sessionTimeout = positive(sessionTimeout, "sessionTimeout");
      return this;
    }

    /**
     * How long a read waits for a connection before it fails and is retried (default 5 s); the
     * constructor waits up to this long for the first list.
     */
    public Builder connectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = positive(connectionTimeout, "connectionTimeout");
      return this;
    }

    public ZooKeeperDiscovery build() {
      if ((connectString == null) == (client == null)) {
        throw new IllegalStateException("set exactly one of zkServers and client");
      }
      String base = ZkSupport.basePath(basePath());
      SharedClient<CuratorFramework> shared;
      if (client != null) {
        shared = SharedClient.borrowed(client);
      } else {
        CuratorFramework c = ZkSupport.newClient(connectString, sessionTimeout, connectionTimeout);
        c.start();
        shared = SharedClient.owned(c, CuratorFramework::close);
      }
      try {
        return new ZooKeeperDiscovery(shared, base, servicePath(), connectionTimeout);
      } catch (RuntimeException | Error e) {
        shared.release();
        throw e;
      }
    }
  }
}
