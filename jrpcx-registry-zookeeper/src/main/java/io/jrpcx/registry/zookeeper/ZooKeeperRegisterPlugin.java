package io.jrpcx.registry.zookeeper;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.Backoff;
import io.jrpcx.registry.Daemons;
import io.jrpcx.registry.RegisterPluginBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a server's services in ZooKeeper in rpcx's layout, rpcx-zookeeper's
 * {@code ZooKeeperRegisterPlugin}, so that Go rpcx clients and {@link ZooKeeperDiscovery} find
 * the server. For service {@code Arith} on {@code tcp@10.0.0.5:8972} under the default base path
 * it writes:
 *
 * <pre>
 * /rpcx_test                          persistent  "rpcx_path"
 * /rpcx_test/Arith                    persistent  "Arith"
 * /rpcx_test/Arith/tcp@10.0.0.5:8972  ephemeral   the service metadata, e.g. "weight=10&amp;group=g1"
 * </pre>
 *
 * The leaf is ephemeral when the update interval is positive and persistent when it is zero, as
 * in Go; every node has the open ACL (world:anyone, all permissions).
 *
 * <pre>{@code
 * ZooKeeperRegisterPlugin zk = ZooKeeperRegisterPlugin.builder()
 *     .zkServers("127.0.0.1:2181")
 *     .serviceAddress("tcp@10.0.0.5:8972")
 *     .build();
 * Server server = Server.builder().plugin(zk).build();
 * zk.start();
 * server.register("Arith", new Arith(), "weight=10&group=g1");
 * server.start("tcp", "10.0.0.5:8972");
 * ...
 * server.shutdown(Duration.ofSeconds(10));   // removes the leaves first
 * zk.close();
 * }</pre>
 *
 * <p><b>Liveness.</b> An ephemeral leaf lives as long as the plugin's ZooKeeper session: when the
 * process dies, ZooKeeper removes it once the session timeout (10 s by default) has passed. Every
 * update interval the plugin rewrites each leaf with {@code calls} and {@code connections}, the
 * mean rates per second since start, keeping whatever else is in the leaf (an operator's
 * {@code state=inactive}, say), and re-creates a leaf that went missing.
 *
 * <p><b>Session loss.</b> When ZooKeeper expires the session (a long partition, a registry that
 * restarted without its data) the client opens a new one, and the plugin at once writes the base
 * path, the service directories and the leaves again, retrying with back-off (1 s doubling to
 * 30 s, jittered) until it succeeds. A leaf still held by the old session is replaced, so it does not vanish
 * later when that session ends.
 *
 * <p>Services registered before {@link #start()} are written once it has connected. Thread-safe.
 */
public final class ZooKeeperRegisterPlugin extends AbstractRegisterPlugin {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegisterPlugin.class);
  private static final byte[] BASE_PATH_VALUE = "rpcx_path".getBytes(StandardCharsets.UTF_8);

  private final CuratorFramework client;
  private final boolean ownsClient;
  private final Duration connectionTimeout;
  private final String base;
  private final CreateMode leafMode;
  private final ScheduledExecutorService reregistrar;
  private final AtomicBoolean reregisterNeeded = new AtomicBoolean();
  private final ConnectionStateListener connectionListener = this::connectionStateChanged;
  private final Object lifecycle = new Object();
  private boolean clientStarted;
  private volatile boolean closed;
  private final Backoff backoff = Backoff.registry();
  // Whether the pending re-registration follows a reconnection (worth telling) rather than
  // start() racing the first registrations (not worth telling).
  private boolean reconnected;

  private ZooKeeperRegisterPlugin(Builder b, CuratorFramework client, boolean ownsClient) {
    super(b);
    this.client = client;
    this.ownsClient = ownsClient;
    this.connectionTimeout = b.connectionTimeout;
    this.base = ZkSupport.basePath(basePath());
    this.leafMode = updateInterval().isZero() ? CreateMode.PERSISTENT : CreateMode.EPHEMERAL;
    this.reregistrar = Daemons.singleThread("jrpcx-zk-register");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the update loop, connects to ZooKeeper (waiting up to the connection timeout) and
   * writes the services registered so far. When ZooKeeper cannot be reached in time this logs a
   * warning and returns; the entries are written as soon as the connection comes up.
   */
  @Override
  public void start() {
    super.start();
    synchronized (lifecycle) {
      if (clientStarted || closed) {
        return;
      }
      clientStarted = true;
      client.getConnectionStateListenable().addListener(connectionListener, reregistrar);
      if (ownsClient) {
        client.start();
      }
    }
    try {
      if (!client.blockUntilConnected(
          Math.toIntExact(connectionTimeout.toMillis()), TimeUnit.MILLISECONDS)) {
        log.warn(
            "ZooKeeper {} not reachable within {}; services will be registered once it is",
            client.getZookeeperClient().getCurrentConnectionString(),
            connectionTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requestReregister();
  }

  /** The client, for tests that look at the session. */
  CuratorFramework curator() {
    return client;
  }

  private boolean clientStarted() {
    synchronized (lifecycle) {
      return clientStarted && !closed;
    }
  }

  // ---- the layout ----

  private String serviceDir(String serviceName) {
    return base + "/" + serviceName;
  }

  private String leaf(String serviceName) {
    // The address is set by now: entries are written only once it is known.
    return serviceDir(serviceName) + "/" + ZkSupport.segment("serviceAddress", serviceAddress());
  }

  @Override
  protected void doRegister(String serviceName, String metadata) throws Exception {
    ZkSupport.segment("service name", serviceName);
    if (!clientStarted()) {
      return; // start() writes it
    }
    try {
      writeDirectories(serviceName);
      // Go deletes the leaf and creates it again: the node is then surely ours and of the right
      // kind, even if an older process with the same address left one behind.
      deleteIfExists(leaf(serviceName), -1);
      createLeaf(serviceName, metadata);
    } catch (Exception e) {
      scheduleReregister();
      throw e;
    }
  }

  @Override
  protected void doUnregister(String serviceName) throws Exception {
    if (!clientStarted()) {
      return;
    }
    deleteIfExists(leaf(serviceName), -1);
  }

  @Override
  protected void refresh(String serviceName, String metadata) throws Exception {
    if (!clientStarted()) {
      return;
    }
    if (!stillRegistered(serviceName)) {
      return;
    }
    String leaf = leaf(serviceName);
    Stat stat = new Stat();
    byte[] current;
    try {
      current = client.getData().storingStatIn(stat).forPath(leaf);
    } catch (KeeperException.NoNodeException e) {
      log.info("{} was missing from ZooKeeper; registering it again", leaf);
      writeDirectories(serviceName);
      createLeaf(serviceName, metadata);
      return;
    }
    String merged = mergeRates(utf8(current), metadata);
    if (!ownedBySession(stat)) {
      replaceLeaf(leaf, stat, merged);
      return;
    }
    try {
      client.setData().withVersion(stat.getVersion()).forPath(leaf, utf8(merged));
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      // Changed or removed since the read; the next round writes it.
      log.debug("{} changed while refreshing it", leaf, e);
    }
  }

  /**
   * Writes the base path and every registered service again where they are missing: run on
   * start and after each (re)connection,
   * since a new session means ZooKeeper dropped our ephemeral leaves, or the data is gone.
   */
  private void reregisterAll() throws Exception {
    if (!base.isEmpty()) {
      // Go's Start writes the base path even before any service is registered.
      underLock(() -> writeDirectory(base, BASE_PATH_VALUE));
    }
    for (String name : services().keySet()) {
      underLock(() -> reregisterLocked(name));
    }
  }

  private void reregisterLocked(String name) throws Exception {
    String metadata = services().get(name);
    if (closed || metadata == null) {
      return;
    }
    writeDirectories(name);
    String leaf = leaf(name);
    Stat stat = new Stat();
    byte[] current;
    try {
      current = client.getData().storingStatIn(stat).forPath(leaf);
    } catch (KeeperException.NoNodeException missing) {
      createLeaf(name, metadata);
      if (reconnected) {
        log.info("registered {} in ZooKeeper again", leaf);
      }
      return;
    }
    if (!ownedBySession(stat)) {
      // Keep what the leaf says now: an operator may have marked it inactive.
      replaceLeaf(leaf, stat, utf8(current));
      log.info("took over {} from an expired ZooKeeper session", leaf);
    }
  }

  private boolean stillRegistered(String serviceName) {
    return !closed && services().containsKey(serviceName);
  }

  /** Whether the leaf is of the kind we write and, if ephemeral, held by our current session. */
  private boolean ownedBySession(Stat stat) throws Exception {
    long owner = stat.getEphemeralOwner();
    if (leafMode == CreateMode.PERSISTENT) {
      return owner == 0;
    }
    return owner == client.getZookeeperClient().getZooKeeper().getSessionId();
  }

  private void replaceLeaf(String leaf, Stat stat, String value) throws Exception {
    if (deleteIfExists(leaf, stat.getVersion())) {
      try {
        client.create().withMode(leafMode).forPath(leaf, utf8(value));
      } catch (KeeperException.NodeExistsException e) {
        log.debug("{} re-created concurrently", leaf, e);
      }
    }
  }

  /** The base path and the service directory, with Go's values, created when missing. */
  private void writeDirectories(String serviceName) throws Exception {
    if (!base.isEmpty()) {
      writeDirectory(base, BASE_PATH_VALUE);
    }
    writeDirectory(serviceDir(serviceName), utf8(serviceName));
  }

  private void writeDirectory(String path, byte[] value) throws Exception {
    try {
      // Parents of a nested base path are created empty, as libkv does.
      client
          .create()
          .creatingParentsIfNeeded()
          .withMode(CreateMode.PERSISTENT)
          .forPath(path, value);
    } catch (KeeperException.NodeExistsException e) {
      // Go puts the value on every registration; write it only when it differs.
      if (!Arrays.equals(client.getData().forPath(path), value)) {
        client.setData().forPath(path, value);
      }
    }
  }

  private void createLeaf(String serviceName, String metadata) throws Exception {
    client.create().withMode(leafMode).forPath(leaf(serviceName), utf8(metadata));
  }

  /** Deletes {@code path} at {@code version} (-1: any); returns false when it was not there. */
  private boolean deleteIfExists(String path, int version) throws Exception {
    try {
      client.delete().withVersion(version).forPath(path);
      return true;
    } catch (KeeperException.NoNodeException e) {
      return false;
    } catch (KeeperException.BadVersionException e) {
      return false; // someone rewrote it meanwhile; the next round looks again
    }
  }

  // ---- re-registration ----

  private void connectionStateChanged(CuratorFramework c, ConnectionState state) {
    if (state == ConnectionState.RECONNECTED) {
      reconnected = true;
    }
    if (state.isConnected()) {
      backoff.reset();
      requestReregister();
    }
  }

  private void requestReregister() {
    reregisterNeeded.set(true);
    execute(this::reregisterIfNeeded, 0);
  }

  private void scheduleReregister() {
    reregisterNeeded.set(true);
    execute(this::reregisterIfNeeded, Backoff.INITIAL.toMillis());
  }

  private void reregisterIfNeeded() {
    if (closed || !reregisterNeeded.getAndSet(false)) {
      return;
    }
    try {
      reregisterAll();
      backoff.reset();
      reconnected = false;
    } catch (Exception e) {
      if (closed) {
        return;
      }
      long delayMs = backoff.next().toMillis();
      log.warn(
          "re-registering {} in ZooKeeper failed; retrying in {} ms",
          services().keySet(),
          delayMs,
          e);
      reregisterNeeded.set(true);
      execute(this::reregisterIfNeeded, delayMs);
    }
  }

  private void execute(Runnable task, long delayMs) {
    try {
      reregistrar.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  @Override
  protected void doClose() {
    synchronized (lifecycle) {
      closed = true;
    }
    reregistrar.shutdownNow();
    client.getConnectionStateListenable().removeListener(connectionListener);
    if (ownsClient) {
      // Ending the session removes our ephemeral leaves at once, whatever unregister managed.
      client.close();
    }
  }

  @Override
  public String toString() {
    return "ZooKeeperRegisterPlugin{"
        + serviceAddress()
        + " under "
        + (base.isEmpty() ? "/" : base)
        + "}";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String utf8(byte[] b) {
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }

  /**
   * Configures a {@link ZooKeeperRegisterPlugin}. Either {@link #zkServers} or {@link #client}
   * is required; without {@link #serviceAddress} the server's own address is registered once it
   * listens. The base path's leading slash is optional.
   * The update interval (default one minute, as in rpcx's examples) also picks the leaf's kind:
   * zero disables the loop and makes the leaves persistent, as in Go, so that they outlive a
   * crashed server.
   */
  public static final class Builder extends RegisterPluginBuilder<Builder> {
    private String connectString;
    private CuratorFramework client;
    private Duration sessionTimeout = ZkSupport.DEFAULT_SESSION_TIMEOUT;
    private Duration connectionTimeout = ZkSupport.DEFAULT_CONNECTION_TIMEOUT;

    private Builder() {
      super(Duration.ofMinutes(1));
    }

    /**
     * The ZooKeeper ensemble, {@code host:port} each (Go's {@code WithZKServersAddress}) or a
     * {@code zookeeper://h:p[,h:p]} registry address; the
     * plugin opens its own client and closes it on {@link #close()}.
     */
    public Builder zkServers(String... servers) {
      this.connectString = ZkSupport.connectString(servers);
      return this;
    }

    /**
     * Uses an existing Curator client instead of opening one. The caller starts and closes it;
     * its session timeout and ACL provider then apply instead of this builder's.
     */
    public Builder client(CuratorFramework client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The ZooKeeper session timeout (default 10 s, as libkv's default): how long ephemeral leaves
     * outlive a crashed server. The server may narrow it to its own bounds (2 to 20 ticks).
     */
    public Builder sessionTimeout(Duration sessionTimeout) {
      this.sessionTimeout = positive(sessionTimeout, "sessionTimeout");
      return this;
    }

    /**
     * How long one registry operation waits for a connection before failing (default 5 s), and
     * how long {@link ZooKeeperRegisterPlugin#start()} waits for the first one.
     */
    public Builder connectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = positive(connectionTimeout, "connectionTimeout");
      return this;
    }

    public ZooKeeperRegisterPlugin build() {
      if ((connectString == null) == (client == null)) {
        throw new IllegalStateException("set exactly one of zkServers and client");
      }
      if (serviceAddress() != null) {
        ZkSupport.segment("serviceAddress", serviceAddress());
      }
      if (client != null) {
        return new ZooKeeperRegisterPlugin(this, client, false);
      }
      return new ZooKeeperRegisterPlugin(
          this, ZkSupport.newClient(connectString, sessionTimeout, connectionTimeout), true);
    }
  }
}
