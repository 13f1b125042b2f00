package io.jrpcx.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the plugin writes into ZooKeeper, compared znode by znode with rpcx's layout (spec 3.11),
 * and how it keeps it there: the update loop, unregistering, session loss, a registry restart.
 */
class ZooKeeperRegisterPluginTest {
  private static final String ADDRESS = "tcp@10.0.0.5:8972";
  private static final String LEAF = "/rpcx_test/Arith/" + ADDRESS;
  private static final String METADATA = "weight=10&group=g1";

  @RegisterExtension final ZooKeeperServer zk = new ZooKeeperServer();

  private ZooKeeperRegisterPlugin plugin(Consumer<ZooKeeperRegisterPlugin.Builder> configure) {
    ZooKeeperRegisterPlugin.Builder b =
        ZooKeeperRegisterPlugin.builder().zkServers(zk.connectString()).serviceAddress(ADDRESS);
    configure.accept(b);
    return zk.closeAfter(b.build());
  }

  /** A server with the plugin, serving Arith as the spec's example does; never started. */
  private Server arithServer(ZooKeeperRegisterPlugin plugin) {
    Server server = zk.closeAfter(Server.builder().plugin(plugin).build());
    plugin.start();
    server.register("Arith", new ArithService(), METADATA);
    return server;
  }

  private String data(String path) throws Exception {
    return new String(zk.client().getData().forPath(path), StandardCharsets.UTF_8);
  }

  private Stat stat(String path) throws Exception {
    return zk.client().checkExists().forPath(path);
  }

  private static long sessionOf(ZooKeeperRegisterPlugin plugin) throws Exception {
    return plugin.curator().getZookeeperClient().getZooKeeper().getSessionId();
  }

  @Test
  void writesRpcxLayoutWithAnEphemeralLeafWhenTheUpdateIntervalIsPositive() throws Exception {
    ZooKeeperRegisterPlugin plugin =
        plugin(b -> b.basePath("/rpcx_test").updateInterval(Duration.ofMinutes(1)));
    arithServer(plugin);
    CuratorFramework c = zk.client();

    // Keys: exactly the three znodes of the spec, nothing else under the base path.
    assertThat(c.getChildren().forPath("/")).contains("rpcx_test");
    assertThat(c.getChildren().forPath("/rpcx_test")).containsExactly("Arith");
    assertThat(c.getChildren().forPath("/rpcx_test/Arith")).containsExactly(ADDRESS);
    // Values.
    assertThat(data("/rpcx_test")).isEqualTo("rpcx_path");
    assertThat(data("/rpcx_test/Arith")).isEqualTo("Arith");
    assertThat(data(LEAF)).isEqualTo(METADATA);
    // Liveness: persistent directories, a leaf held by the plugin's session.
    assertThat(stat("/rpcx_test").getEphemeralOwner()).isZero();
    assertThat(stat("/rpcx_test/Arith").getEphemeralOwner()).isZero();
    assertThat(stat(LEAF).getEphemeralOwner()).isEqualTo(sessionOf(plugin)).isNotZero();
    assertThat(stat(LEAF).getNumChildren()).isZero();
    // ACL world:anyone with every permission, on all three.
    for (String p : List.of("/rpcx_test", "/rpcx_test/Arith", LEAF)) {
      assertThat(c.getACL().forPath(p)).as(p).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }
    // Session timeout: libkv's 10 s.
    assertThat(plugin.curator().getZookeeperClient().getZooKeeper().getSessionTimeout())
        .isEqualTo(10_000);
  }

  @Test
  void writesAPersistentLeafWhenTheUpdateIntervalIsZero() throws Exception {
    arithServer(plugin(b -> b.updateInterval(Duration.ZERO)));

    assertThat(data(LEAF)).isEqualTo(METADATA);
    assertThat(stat(LEAF).getEphemeralOwner()).isZero();
  }

  @Test
  void basePathIsTheSameZnodeWithOrWithoutSlashes() throws Exception {
    arithServer(plugin(b -> b.basePath("rpcx_test/")));

    assertThat(data("/rpcx_test")).isEqualTo("rpcx_path");
    assertThat(data(LEAF)).isEqualTo(METADATA);
  }

  @Test
  void nestedBasePathGetsEmptyParentsAsLibkvWrites() throws Exception {
    arithServer(plugin(b -> b.basePath("/company/rpcx")));

    assertThat(data("/company")).isEmpty();
    assertThat(data("/company/rpcx")).isEqualTo("rpcx_path");
    assertThat(data("/company/rpcx/Arith/" + ADDRESS)).isEqualTo(METADATA);
  }

  @Test
  void gracefulShutdownRemovesTheLeafAndKeepsTheDirectories() throws Exception {
    Server server = arithServer(plugin(b -> {}));
    assertThat(stat(LEAF)).isNotNull();

    server.shutdown(Duration.ofSeconds(5));

    assertThat(stat(LEAF)).isNull();
    assertThat(data("/rpcx_test/Arith")).isEqualTo("Arith");
    assertThat(data("/rpcx_test")).isEqualTo("rpcx_path");
  }

  @Test
  void closingThePluginRemovesItsLeaves() throws Exception {
    ZooKeeperRegisterPlugin plugin = plugin(b -> b.updateInterval(Duration.ZERO));
    Server server = arithServer(plugin);
    server.register("Echo", new ArithService(), "");
    assertThat(stat("/rpcx_test/Echo/" + ADDRESS)).isNotNull();

    plugin.close();

    assertThat(stat(LEAF)).isNull();
    assertThat(stat("/rpcx_test/Echo/" + ADDRESS)).isNull();
  }

  @Test
  void servicesRegisteredBeforeStartAreWrittenByStart() throws Exception {
    ZooKeeperRegisterPlugin plugin = plugin(b -> {});
    Server server = zk.closeAfter(Server.builder().plugin(plugin).build());
    server.register("Arith", new ArithService(), METADATA);
    assertThat(stat("/rpcx_test")).isNull();

    plugin.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> stat(LEAF) != null);
    assertThat(data("/rpcx_test")).isEqualTo("rpcx_path");
    assertThat(data("/rpcx_test/Arith")).isEqualTo("Arith");
    assertThat(data(LEAF)).isEqualTo(METADATA);
  }

  @Test
  void startWritesTheBasePathBeforeAnyServiceAsGoDoes() throws Exception {
    plugin(b -> {}).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> stat("/rpcx_test") != null);
    assertThat(data("/rpcx_test")).isEqualTo("rpcx_path");
  }

  @Test
  void updateLoopWritesRatesAndKeepsAnOperatorsEdits() throws Exception {
    arithServer(plugin(b -> b.updateInterval(Duration.ofMillis(100))));
    // An operator (rpcx-ui, zkCli) marks the node inactive.
    zk.client()
        .setData()
        .forPath(LEAF, "group=g1&state=inactive&weight=10".getBytes(StandardCharsets.UTF_8));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              KVPair leaf = new KVPair(ADDRESS, data(LEAF));
              assertThat(leaf.metadata()).containsKeys("calls", "connections");
              assertThat(leaf.metadata("calls")).matches("\\d+\\.\\d\\d");
              assertThat(leaf.metadata("state")).isEqualTo("inactive");
              assertThat(leaf.metadata("weight")).isEqualTo("10");
              assertThat(leaf.metadata("group")).isEqualTo("g1");
            });
    // Go's url.Values.Encode: sorted keys.
    assertThat(data(LEAF))
        .startsWith("calls=")
        .contains("&connections=")
        .endsWith("&group=g1&state=inactive&weight=10");
  }

  @Test
  void updateLoopRecreatesAMissingLeaf() throws Exception {
    ZooKeeperRegisterPlugin plugin = plugin(b -> b.updateInterval(Duration.ofMillis(100)));
    arithServer(plugin);

    zk.client().delete().forPath(LEAF);

    await().atMost(Duration.ofSeconds(10)).until(() -> stat(LEAF) != null);
    assertThat(stat(LEAF).getEphemeralOwner()).isEqualTo(sessionOf(plugin));
    assertThat(new KVPair(ADDRESS, data(LEAF)).metadata("weight")).isEqualTo("10");
  }

  @Test
  void registersAgainInANewSessionWhenTheOldOneExpires() throws Exception {
    // A long interval: only the reaction to the new session can bring the leaf back.
    ZooKeeperRegisterPlugin plugin = plugin(b -> b.updateInterval(Duration.ofMinutes(10)));
    arithServer(plugin);
    long oldSession = sessionOf(plugin);

    zk.expireSession(plugin.curator().getZookeeperClient().getZooKeeper());

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Stat s = stat(LEAF);
              assertThat(s).isNotNull();
              assertThat(s.getEphemeralOwner())
                  .isNotEqualTo(oldSession)
                  .isEqualTo(sessionOf(plugin));
            });
    assertThat(data(LEAF)).isEqualTo(METADATA);
  }

  @Test
  void takesOverALeafStillHeldByAnExpiringSession() throws Exception {
    // The client gave up on its session (Curator declares it lost after the timeout) while the
    // server has not expired it yet: the old leaf would vanish later, taking the server with it.
    CuratorFramework own = zk.closeAfter(zk.newClient(Duration.ofSeconds(10)));
    ZooKeeperRegisterPlugin plugin =
        zk.closeAfter(
            ZooKeeperRegisterPlugin.builder()
                .client(own)
                .serviceAddress(ADDRESS)
                .updateInterval(Duration.ofMinutes(10))
                .build());
    arithServer(plugin);
    long oldSession = own.getZookeeperClient().getZooKeeper().getSessionId();

    // The client drops its connection and thinks the session gone; the server still holds it.
    own.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              long now = own.getZookeeperClient().getZooKeeper().getSessionId();
              assertThat(now).isNotEqualTo(oldSession);
              Stat s = stat(LEAF); // briefly absent while it is replaced
              assertThat(s).isNotNull();
              assertThat(s.getEphemeralOwner()).isEqualTo(now);
            });
    assertThat(data(LEAF)).isEqualTo(METADATA);
  }

  @Test
  void registersAgainWhenTheRegistryComesBackWithoutItsData() throws Exception {
    // The empty registry refuses the old connection until the client gives its session up,
    // after the session timeout: keep that short. The loop is too slow to be what helps.
    ZooKeeperRegisterPlugin plugin =
        plugin(b -> b.updateInterval(Duration.ofMinutes(10)).sessionTimeout(Duration.ofSeconds(2)));
    arithServer(plugin);

    zk.restartWithoutData();

    await().atMost(Duration.ofSeconds(30)).until(() -> stat(LEAF) != null);
    assertThat(data("/rpcx_test")).isEqualTo("rpcx_path");
    assertThat(data("/rpcx_test/Arith")).isEqualTo("Arith");
    assertThat(data(LEAF)).isEqualTo(METADATA);
    assertThat(stat(LEAF).getEphemeralOwner()).isEqualTo(sessionOf(plugin));
  }
}
