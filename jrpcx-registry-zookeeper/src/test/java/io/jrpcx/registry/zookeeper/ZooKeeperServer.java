package io.jrpcx.registry.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ZooKeeper (Curator's in-JVM {@link TestingServer}) on a free loopback port for one test,
 * plus whatever the test asks to close after it. The tick is 500 ms so that sessions may be as
 * short as 1 s (ZooKeeper allows 2 to 20 ticks; the default 10 s is the maximum).
 *
 * <pre>{@code
 * @RegisterExtension final ZooKeeperServer zk = new ZooKeeperServer();
 * ... .zkServers(zk.connectString()) ...
 * }</pre>
 */
public final class ZooKeeperServer implements BeforeEachCallback, AfterEachCallback {
  static final int TICK_MS = 500;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TestingServer server;
  private int port;
  private CuratorFramework client;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    port = freePort();
    server = new TestingServer(spec(), true);
  }

  private InstanceSpec spec() throws IOException {
    return new InstanceSpec(
        Files.createTempDirectory("zk").toFile(),
        port,
        freePort(),
        freePort(),
        true,
        -1,
        TICK_MS,
        -1,
        Map.of("clientPortAddress", "127.0.0.1"),
        "127.0.0.1");
  }

  /** {@code 127.0.0.1:port}. */
  public String connectString() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** A started Curator client for the test's own reads and writes, closed after the test. */
  CuratorFramework client() {
    if (client == null) {
      client = closeAfter(newClient(Duration.ofSeconds(10)));
    }
    return client;
  }

  /** A new started client with {@code sessionTimeout}, for the caller to close. */
  CuratorFramework newClient(Duration sessionTimeout) {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(connectString())
            .sessionTimeoutMs((int) sessionTimeout.toMillis())
            .connectionTimeoutMs(5_000)
            .retryPolicy(new RetryOneTime(100))
            .ensembleTracker(false)
            .build();
    c.start();
    return c;
  }

  /** Stops the server; {@link #restartKeepingData()} brings it back. */
  void stop() throws Exception {
    server.stop();
  }

  /** (Stops and) starts the server on the same port with its data; sessions survive. */
  void restartKeepingData() throws Exception {
    server.restart();
  }

  /**
   * Replaces the server by an empty one on the same port, as when a registry is rebuilt: every
   * session is unknown to it and every znode is gone. ZooKeeper refuses clients that have seen a
   * later transaction than its own, so existing clients get back only once they give up their
   * session (after its timeout) and start afresh; {@link #client()} is replaced at once.
   */
  void restartWithoutData() throws Exception {
    if (client != null) {
      closeables.remove(client);
      client.close();
      client = null;
    }
    server.close();
    server = new TestingServer(spec(), true);
  }

  /**
   * Ends {@code zk}'s session on the server, as ZooKeeper does when it has not heard from a
   * client for the session timeout: a second handle joins the session and closes it. The
   * ephemeral znodes go at once and the client is told its session expired.
   */
  void expireSession(ZooKeeper zk) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper twin =
        new ZooKeeper(
            connectString(),
            zk.getSessionTimeout(),
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            zk.getSessionId(),
            zk.getSessionPasswd());
    try {
      if (!connected.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("could not join session " + zk.getSessionId());
      }
    } finally {
      twin.close();
    }
  }

  <T extends AutoCloseable> T closeAfter(T c) {
    closeables.add(0, c);
    return c;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception failure = null;
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        failure = e;
      }
    }
    closeables.clear();
    client = null;
    server.close();
    if (failure != null) {
      throw failure;
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
