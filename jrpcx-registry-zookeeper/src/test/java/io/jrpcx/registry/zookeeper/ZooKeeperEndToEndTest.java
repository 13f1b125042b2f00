package io.jrpcx.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.OneClient;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.NodeService;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three jrpcx servers registered through the plugin and one XClient finding them through the
 * discovery, while calls keep flowing: a node marked inactive stops getting calls, a node shut
 * down gracefully leaves the list without a failed call, and a node whose process "dies" (its
 * ZooKeeper connection vanishes without a goodbye) leaves when its session times out. The times
 * from stop to the client's list update are measured and printed.
 */
class ZooKeeperEndToEndTest {
  private static final Duration KILLED_SESSION_TIMEOUT = Duration.ofSeconds(2);

  @RegisterExtension final ZooKeeperServer zk = new ZooKeeperServer();

  private record Node(String name, String key, Server server, NodeService service) {
    String leaf() {
      return "/rpcx_test/Node/" + key;
    }
  }

  private Node start(
      String name, String zkAddress, Duration sessionTimeout, Duration connectionTimeout) {
    int port = ZooKeeperServer.freePort();
    String key = "tcp@127.0.0.1:" + port;
    ZooKeeperRegisterPlugin plugin =
        zk.closeAfter(
            ZooKeeperRegisterPlugin.builder()
                .zkServers(zkAddress)
                .serviceAddress(key)
                .updateInterval(Duration.ofSeconds(1))
                .sessionTimeout(sessionTimeout)
                .connectionTimeout(connectionTimeout)
                .build());
    Server server = zk.closeAfter(Server.builder().plugin(plugin).build());
    plugin.start();
    NodeService service = new NodeService(name);
    server.register("Node", service, "");
    server.start("tcp", "127.0.0.1:" + port);
    return new Node(name, key, server, service);
  }

  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  @Test
  @Timeout(90)
  void serversComeGoAndStopGettingCallsWhileCallsFlow() throws Exception {
    Node a = start("a", zk.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(2));
    Node b = start("b", zk.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(2));
    TcpProxy link = zk.closeAfter(new TcpProxy(zk.port()));
    Node c = start("c", link.address(), KILLED_SESSION_TIMEOUT, Duration.ofMillis(500));

    ZooKeeperDiscovery discovery =
        zk.closeAfter(ZooKeeperDiscovery.create("/rpcx_test", "Node", zk.connectString()));
    ListTimes lists = new ListTimes();
    discovery.watch(lists);
    XClient x =
        zk.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> keys(x.servers()).equals(Set.of(a.key, b.key, c.key)));

    Callers callers = new Callers(x, 4);
    try {
      callers.awaitCalls(a, 50).awaitCalls(b, 50).awaitCalls(c, 50);

      // 1. An operator marks c inactive: it leaves the client's list and gets no more calls,
      //    although its plugin keeps refreshing the leaf.
      zk.client().setData().forPath(c.leaf(), "state=inactive".getBytes(StandardCharsets.UTF_8));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> keys(x.servers()).equals(Set.of(a.key, b.key)));
      int cCalls = c.service.calls();
      callers.awaitCalls(a, 200).awaitCalls(b, 200);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> new KVPair(c.key, data(c.leaf())).metadata().containsKey("calls"));
      callers.awaitCalls(a, 100);
      assertThat(new KVPair(c.key, data(c.leaf())).metadata("state")).isEqualTo("inactive");
      assertThat(c.service.calls()).isEqualTo(cCalls);
      // Active again: traffic comes back.
      zk.client().setData().forPath(c.leaf(), new byte[0]);
      await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 3);
      callers.awaitCalls(c, 50);

      // 2. a shuts down gracefully: it unregisters first, and no call fails.
      long gracefulStop = System.nanoTime();
      a.server.shutdown(Duration.ofSeconds(10));
      long gracefulGone = lists.awaitFirstWithout(a.key, gracefulStop);
      assertThat(keys(x.servers())).containsExactlyInAnyOrder(b.key, c.key);
      callers.awaitCalls(b, 200).awaitCalls(c, 200);
      assertThat(callers.failures()).as("failed calls around the graceful shutdown").isEmpty();

      // 3. c "dies": its ZooKeeper connection is reset with no close-session. Its ephemeral
      //    leaf lives until ZooKeeper times the session out; c keeps serving meanwhile, as a
      //    hung process might.
      long killed = System.nanoTime();
      link.kill();
      long killedGone = lists.awaitFirstWithout(c.key, killed);
      assertThat(keys(x.servers())).containsExactly(b.key);
      c.server.close();
      callers.awaitCalls(b, 200);
      assertThat(callers.failures()).as("failed calls").isEmpty();

      System.out.printf(
          "[jrpcx-registry-zookeeper] stop -> client list update: graceful "
              + "shutdown %.1f ms; killed (session timeout %d ms, tick %d ms) %.1f ms%n",
          (gracefulGone - gracefulStop) / 1e6,
          KILLED_SESSION_TIMEOUT.toMillis(),
          ZooKeeperServer.TICK_MS,
          (killedGone - killed) / 1e6);
    } finally {
      callers.stop();
    }
  }

  @Test
  void oneClientFindsEachServiceThroughATemplate() {
    int port = ZooKeeperServer.freePort();
    ZooKeeperRegisterPlugin plugin =
        zk.closeAfter(
            ZooKeeperRegisterPlugin.builder()
                .zkServers(zk.connectString())
                .serviceAddress("tcp@127.0.0.1:" + port)
                .build());
    Server server = zk.closeAfter(Server.builder().plugin(plugin).build());
    plugin.start();
    server.register("Arith", new ArithService(), "weight=10&group=g1");
    server.register("Node", new NodeService("only"), "");
    server.start("tcp", "127.0.0.1:" + port);

    ZooKeeperDiscovery template =
        zk.closeAfter(ZooKeeperDiscovery.template("/rpcx_test", zk.connectString()));
    OneClient one =
        zk.closeAfter(
            OneClient.create(
                FailMode.FAILOVER, SelectMode.RANDOM_SELECT, template, ClientOptions.DEFAULT));

    assertThat(one.call(ctx(), "Arith", "Mul", new Args(7, 8), Reply.class).C).isEqualTo(56);
    assertThat(one.call(ctx(), "Node", "Id", "k", String.class)).isEqualTo("only");
  }

  private String data(String path) throws Exception {
    return new String(zk.client().getData().forPath(path), StandardCharsets.UTF_8);
  }

  private static Set<String> keys(List<KVPair> nodes) {
    return nodes.stream().map(KVPair::key).collect(Collectors.toSet());
  }

  /** When each list arrived, to time how fast a stop reaches the client. */
  private static final class ListTimes implements ServiceDiscovery.Watcher {
    private final List<Map.Entry<Long, Set<String>>> lists = new CopyOnWriteArrayList<>();

    @Override
    public void onUpdate(List<KVPair> services) {
      lists.add(Map.entry(System.nanoTime(), keys(services)));
    }

    /** The arrival time of the first list since {@code since} without {@code key}. */
    long awaitFirstWithout(String key, long since) {
      List<Long> found = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (Map.Entry<Long, Set<String>> e : lists) {
                  if (e.getKey() >= since && !e.getValue().contains(key)) {
                    found.add(e.getKey());
                    return true;
                  }
                }
                return false;
              });
      return found.get(0);
    }
  }

  /** Threads calling Node.Id through the XClient until stopped, counting what fails. */
  private static final class Callers {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final ExecutorService pool;
    private final List<Future<?>> loops = new ArrayList<>();

    Callers(XClient x, int threads) {
      pool = Executors.newFixedThreadPool(threads);
      for (int i = 0; i < threads; i++) {
        loops.add(
            pool.submit(
                () -> {
                  while (running.get()) {
                    try {
                      String node = x.call(ctx(), "Id", "k", String.class);
                      answers.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
                    } catch (RuntimeException e) {
                      failures.add(e);
                    }
                  }
                }));
      }
    }

    /** Waits until {@code node} has answered {@code n} more calls through these threads. */
    Callers awaitCalls(Node node, int n) {
      int from = answered(node.name);
      await().atMost(Duration.ofSeconds(20)).until(() -> answered(node.name) >= from + n);
      return this;
    }

    private int answered(String name) {
      AtomicInteger count = answers.get(name);
      return count == null ? 0 : count.get();
    }

    List<Throwable> failures() {
      return failures;
    }

    void stop() throws Exception {
      running.set(false);
      pool.shutdown();
      assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
      for (Future<?> f : loops) {
        f.get();
      }
    }
  }
}
