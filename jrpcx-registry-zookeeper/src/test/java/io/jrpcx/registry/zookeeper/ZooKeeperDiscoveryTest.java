package io.jrpcx.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The discovery reading rpcx's layout, as Go servers write it, and following its changes. */
class ZooKeeperDiscoveryTest {
  private static final String A = "tcp@10.0.0.5:8972";
  private static final String B = "tcp@10.0.0.6:8972";

  @RegisterExtension final ZooKeeperServer zk = new ZooKeeperServer();

  private ZooKeeperDiscovery discovery(String servicePath) {
    return zk.closeAfter(ZooKeeperDiscovery.create("/rpcx_test", servicePath, zk.connectString()));
  }

  private void put(String path, String value, CreateMode mode) throws Exception {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    try {
      zk.client().create().creatingParentsIfNeeded().withMode(mode).forPath(path, bytes);
    } catch (KeeperException.NodeExistsException e) {
      zk.client().setData().forPath(path, bytes);
    }
  }

  private void set(String path, String value) throws Exception {
    zk.client().setData().forPath(path, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes a node as rpcx-zookeeper (libkv on go-zookeeper) does: each missing path element is
   * created empty with the open ACL, the leaf ephemeral, then the value is set.
   */
  private static void goPut(ZooKeeper go, String key, String value, boolean ephemeral)
      throws Exception {
    String[] parts = key.substring(1).split("/");
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      path.append('/').append(parts[i]);
      boolean leaf = i == parts.length - 1;
      try {
        go.create(
            path.toString(),
            new byte[0],
            ZooDefs.Ids.OPEN_ACL_UNSAFE,
            leaf && ephemeral ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT);
      } catch (KeeperException.NodeExistsException e) {
        // libkv ignores ErrNodeExists
      }
    }
    go.setData(key, value.getBytes(StandardCharsets.UTF_8), -1);
  }

  private ZooKeeper rawClient() throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper go =
        new ZooKeeper(
            zk.connectString(),
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    zk.closeAfter(go::close);
    assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
    return go;
  }

  @Test
  void readsTheEntriesAGoServerWrites() throws Exception {
    ZooKeeper go = rawClient();
    // What a Go server with BasePath "/rpcx_test" (stripped to "rpcx_test") writes: Start puts
    // the base path, Register the service directory and the leaf (TTL > 0: ephemeral).
    goPut(go, "/rpcx_test", "rpcx_path", false);
    goPut(go, "/rpcx_test/Arith", "Arith", false);
    goPut(go, "/rpcx_test/Arith/" + B, "weight=5", true);
    goPut(go, "/rpcx_test/Arith/" + A, "weight=10&group=g1", true);

    ZooKeeperDiscovery d = discovery("Arith");

    assertThat(d.services())
        .containsExactly(new KVPair(A, "weight=10&group=g1"), new KVPair(B, "weight=5"));
    assertThat(d.services().get(0).network()).isEqualTo("tcp");
    assertThat(d.services().get(0).address()).isEqualTo("10.0.0.5:8972");
    // The same nodes through a template without the leading slash, as OneClient uses it.
    ZooKeeperDiscovery template =
        zk.closeAfter(ZooKeeperDiscovery.template("rpcx_test", zk.connectString()));
    ZooKeeperDiscovery clone = zk.closeAfter(template.clone("Arith"));
    assertThat(template.services()).isEmpty();
    assertThat(clone.services()).isEqualTo(d.services());
  }

  @Test
  void seesMetadataOnlyChangesThatGoMisses() throws Exception {
    put("/rpcx_test/Arith/" + A, "weight=10", CreateMode.EPHEMERAL);
    put("/rpcx_test/Arith/" + B, "weight=10", CreateMode.EPHEMERAL);
    ZooKeeperDiscovery d = discovery("Arith");
    XClient x =
        zk.closeAfter(
            XClient.create(
                "Arith",
                FailMode.FAILOVER,
                SelectMode.WEIGHTED_ROUND_ROBIN,
                d,
                ClientOptions.DEFAULT));
    assertThat(x.servers()).extracting(KVPair::key).containsExactly(A, B);

    set("/rpcx_test/Arith/" + B, "weight=10&state=inactive");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> d.services().contains(new KVPair(B, "weight=10&state=inactive")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> x.servers().stream().map(KVPair::key).toList().equals(List.of(A)));

    set("/rpcx_test/Arith/" + A, "weight=20");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> d.services().contains(new KVPair(A, "weight=20")));

    set("/rpcx_test/Arith/" + B, "weight=10");

    await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 2);
  }

  @Test
  void followsNodesAddedAndRemovedEvenBeforeTheServiceExists() throws Exception {
    ZooKeeperDiscovery d = discovery("Arith");
    assertThat(d.services()).isEmpty();
    Recorder seen = new Recorder();
    d.watch(seen);

    put("/rpcx_test/Arith/" + A, "", CreateMode.EPHEMERAL);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> seen.last().equals(List.of(new KVPair(A, ""))));

    put("/rpcx_test/Arith/" + B, "weight=2", CreateMode.EPHEMERAL);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> seen.last().equals(List.of(new KVPair(A, ""), new KVPair(B, "weight=2"))));

    zk.client().delete().forPath("/rpcx_test/Arith/" + A);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> seen.last().equals(List.of(new KVPair(B, "weight=2"))));

    // Even the whole directory going and coming back.
    zk.client().delete().deletingChildrenIfNeeded().forPath("/rpcx_test/Arith");
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.last().isEmpty());
    put("/rpcx_test/Arith/" + A, "weight=3", CreateMode.EPHEMERAL);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> seen.last().equals(List.of(new KVPair(A, "weight=3"))));
  }

  @Test
  void clonesOfATemplateFollowTheirOwnServiceAndOutliveIt() throws Exception {
    put("/rpcx_test/Arith/" + A, "", CreateMode.EPHEMERAL);
    put("/rpcx_test/Echo/" + B, "", CreateMode.EPHEMERAL);
    ZooKeeperDiscovery template = ZooKeeperDiscovery.template("/rpcx_test", zk.connectString());
    ZooKeeperDiscovery arith = zk.closeAfter(template.clone("Arith"));
    ZooKeeperDiscovery echo = zk.closeAfter(template.clone("Echo"));
    assertThat(arith.servicePath()).isEqualTo("Arith");
    assertThat(arith.services()).extracting(KVPair::key).containsExactly(A);
    assertThat(echo.services()).extracting(KVPair::key).containsExactly(B);

    // The clones hold the shared connection; the template going first does not cut them off.
    template.close();
    put("/rpcx_test/Echo/" + A, "", CreateMode.EPHEMERAL);

    await().atMost(Duration.ofSeconds(10)).until(() -> echo.services().size() == 2);
    assertThat(arith.services()).extracting(KVPair::key).containsExactly(A);
  }

  @Test
  void reListsAfterTheRegistryRestartsWithItsData() throws Exception {
    put("/rpcx_test/Arith/" + A, "weight=1", CreateMode.PERSISTENT);
    ZooKeeperDiscovery d = discovery("Arith");
    assertThat(d.services()).containsExactly(new KVPair(A, "weight=1"));

    zk.restartKeepingData();
    // Changes made after the restart are seen: the watches are in place again.
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(() -> set("/rpcx_test/Arith/" + A, "weight=2"));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> d.services().equals(List.of(new KVPair(A, "weight=2"))));
  }

  @Test
  void listsOnceTheRegistryBecomesReachable() throws Exception {
    put("/rpcx_test/Arith/" + A, "weight=1", CreateMode.PERSISTENT);
    zk.stop();

    ZooKeeperDiscovery d =
        zk.closeAfter(
            ZooKeeperDiscovery.builder()
                .zkServers(zk.connectString())
                .servicePath("Arith")
                .connectionTimeout(Duration.ofMillis(300))
                .build());
    assertThat(d.services()).isEmpty();

    zk.restartKeepingData();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> d.services().equals(List.of(new KVPair(A, "weight=1"))));
  }

  @Test
  void reListsAfterTheRegistryComesBackWithoutItsData() throws Exception {
    put("/rpcx_test/Arith/" + A, "weight=1", CreateMode.PERSISTENT);
    // The empty registry refuses the old connection until the client gives its session up,
    // after the session timeout: keep that short.
    ZooKeeperDiscovery d =
        zk.closeAfter(
            ZooKeeperDiscovery.builder()
                .zkServers(zk.connectString())
                .servicePath("Arith")
                .sessionTimeout(Duration.ofSeconds(2))
                .build());
    assertThat(d.services()).hasSize(1);

    zk.restartWithoutData();
    // The new registry is filled by someone else, e.g. servers registering again.
    put("/rpcx_test/Arith/" + B, "weight=7", CreateMode.PERSISTENT);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> d.services().equals(List.of(new KVPair(B, "weight=7"))));
  }

  /** Keeps the lists a discovery delivers. */
  static final class Recorder implements io.jrpcx.client.discovery.ServiceDiscovery.Watcher {
    private volatile List<KVPair> last = List.of();

    @Override
    public void onUpdate(List<KVPair> services) {
      last = services;
    }

    List<KVPair> last() {
      return last;
    }
  }
}
