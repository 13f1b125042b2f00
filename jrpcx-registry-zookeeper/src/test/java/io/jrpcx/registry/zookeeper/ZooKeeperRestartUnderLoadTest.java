package io.jrpcx.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Load;
import io.jrpcx.testing.NodeService;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ZooKeeper goes down while a Failover XClient calls three servers it found there: calls keep
 * flowing to the last known list, a fourth server starts and registers while the registry is
 * down, and once ZooKeeper is back (with its data) the plugin writes the new server and the
 * discovery lists it, without one failed call throughout.
 */
class ZooKeeperRestartUnderLoadTest {
  @RegisterExtension final ZooKeeperServer zk = new ZooKeeperServer();

  private record Node(String key, Server server, ZooKeeperRegisterPlugin plugin) {
    void register(String name) {
      try {
        server.register("Node", new NodeService(name), "");
      } catch (IllegalStateException registryDown) {
        // Served anyway; the plugin writes the entry once ZooKeeper is reachable again.
      }
    }
  }

  /** A server listening on a free port whose plugin has started; nothing registered yet. */
  private Node start(Duration connectionTimeout) {
    int port = ZooKeeperServer.freePort();
    String key = "tcp@127.0.0.1:" + port;
    ZooKeeperRegisterPlugin plugin =
        zk.closeAfter(
            ZooKeeperRegisterPlugin.builder()
                .zkServers(zk.connectString())
                .serviceAddress(key)
                .updateInterval(Duration.ofSeconds(1))
                .connectionTimeout(connectionTimeout)
                .build());
    Server server = zk.closeAfter(Server.builder().plugin(plugin).build());
    plugin.start();
    server.start("tcp", "127.0.0.1:" + port);
    return new Node(key, server, plugin);
  }

  private Node startAndRegister(String name) {
    Node n = start(Duration.ofSeconds(5));
    n.register(name);
    return n;
  }

  private static Set<String> keys(List<KVPair> nodes) {
    return nodes.stream().map(KVPair::key).collect(Collectors.toSet());
  }

  @Test
  @Timeout(90)
  void clientsKeepCallingTheLastKnownServersAndResyncAfterTheRestart() throws Exception {
    Node a = startAndRegister("a");
    Node b = startAndRegister("b");
    Node c = startAndRegister("c");
    ZooKeeperDiscovery discovery =
        zk.closeAfter(ZooKeeperDiscovery.create("/rpcx_test", "Node", zk.connectString()));
    XClient x =
        zk.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));
    await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 3);

    Load.Result result;
    try (Load load =
        Load.start(
            "Id",
            4,
            (thread, i) ->
                x.call(
                    Context.background().withTimeout(Duration.ofSeconds(10)),
                    "Id",
                    "k",
                    String.class))) {
      load.awaitAnswered("a", 100).awaitAnswered("b", 100).awaitAnswered("c", 100);

      zk.stop();
      load.awaitAnswered("a", 300).awaitAnswered("b", 300).awaitAnswered("c", 300);
      // A server started while the registry is down: its registration has to wait. Registering
      // blocks while the plugin tries to write, so it runs aside; the outage stays shorter than
      // the sessions' timeout.
      Node d = start(Duration.ofMillis(500));
      CompletableFuture<Void> registered = CompletableFuture.runAsync(() -> d.register("d"));
      await().atMost(Duration.ofSeconds(10)).until(() -> d.plugin.services().containsKey("Node"));
      load.awaitSucceeded(300);
      assertThat(keys(x.servers()))
          .as("the last known list, kept while ZooKeeper is down")
          .containsExactlyInAnyOrder(a.key, b.key, c.key);

      zk.restartKeepingData();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> keys(x.servers()).equals(Set.of(a.key, b.key, c.key, d.key)));
      load.awaitAnswered("d", 100);
      registered.get(30, TimeUnit.SECONDS);
      result = load.stop();
    }
    result.report(
        "ZooKeeper stopped and restarted under load, a server registered while it"
            + " was down (Failover, ZooKeeperDiscovery)");
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
  }
}
