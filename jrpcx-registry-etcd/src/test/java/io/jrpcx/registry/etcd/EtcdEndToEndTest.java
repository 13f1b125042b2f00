package io.jrpcx.registry.etcd;

import static io.jrpcx.registry.etcd.Etcd.bytes;
import static io.jrpcx.registry.etcd.Etcd.string;
import static io.jrpcx.registry.etcd.ListRecorder.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;
import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.NodeService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real jrpcx servers register through the plugin and one XClient finds them through the
 * discovery; servers leave gracefully, die, and are switched off with {@code state=inactive}.
 */
class EtcdEndToEndTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  /** The TTL of the server that gets killed: how long etcd keeps a dead server listed. */
  private static final Duration KILLED_TTL = Duration.ofSeconds(3);

  private final List<Node> nodes = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** One jrpcx server with its etcd plugin, serving {@code Node} and {@code Arith}. */
  private static final class Node {
    final NodeService service;
    final EtcdRegisterPlugin plugin;
    final Server server;
    final String key;

    Node(NodeService service, EtcdRegisterPlugin plugin, Server server, String key) {
      this.service = service;
      this.plugin = plugin;
      this.server = server;
      this.key = key;
    }
  }

  private Node start(String basePath, String name, Duration leaseTtl) {
    String address = "127.0.0.1:" + EtcdServer.freePort();
    EtcdRegisterPlugin plugin =
        EtcdRegisterPlugin.builder()
            .endpoints(etcd.endpoint())
            .serviceAddress("tcp@" + address)
            .basePath(basePath)
            .updateInterval(Duration.ofSeconds(1))
            .leaseTtl(leaseTtl)
            .build();
    plugin.start();
    Server server = Server.builder().plugin(plugin).build();
    server.start("tcp", address);
    NodeService service = new NodeService(name);
    // Registered once listening, so that a client never finds a server it cannot reach yet.
    server.register("Node", service, "");
    server.register("Arith", new ArithService(), "");
    Node n = new Node(service, plugin, server, "tcp@" + address);
    nodes.add(n);
    return n;
  }

  private <T extends AutoCloseable> T closeAfter(T c) {
    closeables.add(0, c);
    return c;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    for (Node n : nodes) {
      n.server.close();
      n.plugin.close();
    }
  }

  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  private static double millisSince(long startNanos, long endNanos) {
    return (endNanos - startNanos) / 1e6;
  }

  @Test
  @Timeout(90)
  void serversThatShutDownOrDieLeaveTheListAndNoCallFails() throws Exception {
    Node a = start("/e2e", "a", Duration.ofSeconds(30));
    Node b = start("/e2e", "b", KILLED_TTL);
    Node c = start("/e2e", "c", Duration.ofSeconds(30));
    EtcdDiscovery discovery = closeAfter(EtcdDiscovery.create("/e2e", "Node", etcd.endpoint()));
    ListRecorder recorder = new ListRecorder();
    discovery.watch(recorder);
    XClient x =
        closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));
    await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 3);
    assertThat(keys(x.servers())).containsExactlyInAnyOrder(a.key, b.key, c.key);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger done = new AtomicInteger();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    Set<String> answered = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      workers.add(
          pool.submit(
              () -> {
                while (!stop.get()) {
                  try {
                    answered.add(x.call(ctx(), "Id", "k", String.class));
                  } catch (RuntimeException e) {
                    failures.add(e);
                  }
                  done.incrementAndGet();
                }
              }));
    }
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> answered.size() == 3);

      // Graceful: the server removes its leaf before it stops listening.
      long shutdownStarted = System.nanoTime();
      a.server.shutdown(Duration.ofSeconds(10));
      long gracefulSeen =
          recorder.awaitUpdate(
              shutdownStarted,
              list -> !keys(list).contains(a.key) && list.size() == 2,
              Duration.ofSeconds(10));
      int atShutdownSeen = done.get();
      await().atMost(Duration.ofSeconds(20)).until(() -> done.get() >= atShutdownSeen + 200);

      // Killed: nobody deletes anything; etcd drops the entries when the lease expires.
      long killed = System.nanoTime();
      b.plugin.crash();
      b.server.close();
      long killSeen =
          recorder.awaitUpdate(
              killed, list -> keys(list).equals(List.of(c.key)), KILLED_TTL.multipliedBy(5));
      int atKillSeen = done.get();
      await().atMost(Duration.ofSeconds(20)).until(() -> done.get() >= atKillSeen + 200);

      System.out.printf(
          "etcd registry: graceful shutdown -> client list update: %.0f ms%n",
          millisSince(shutdownStarted, gracefulSeen));
      System.out.printf(
          "etcd registry: killed server (lease TTL %d s) -> client list update:" + " %.0f ms%n",
          KILLED_TTL.toSeconds(), millisSince(killed, killSeen));
    } finally {
      stop.set(true);
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
    }
    failures.stream().limit(5).forEach(e -> e.printStackTrace(System.out));
    assertThat(failures).as("calls failed out of %d", done.get()).isEmpty();
    assertThat(keys(x.servers())).containsExactly(c.key);
    assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("c");
  }

  @Test
  @Timeout(60)
  void aNodeMarkedInactiveInEtcdGetsNoMoreCalls() throws Exception {
    Node a = start("/inactive", "a", Duration.ofSeconds(30));
    Node b = start("/inactive", "b", Duration.ofSeconds(30));
    Node c = start("/inactive", "c", Duration.ofSeconds(30));
    EtcdDiscovery discovery =
        closeAfter(EtcdDiscovery.create("/inactive", "Node", etcd.endpoint()));
    XClient x =
        closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));
    await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 3);

    String leaf = "/inactive/Node/" + c.key;
    KeyValue kv =
        etcd.client().getKVClient().get(bytes(leaf)).get(10, TimeUnit.SECONDS).getKvs().get(0);
    etcd.client()
        .getKVClient()
        .put(
            bytes(leaf),
            bytes(string(kv.getValue()) + "&state=inactive"),
            PutOption.builder().withLeaseId(kv.getLease()).build())
        .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 2);
    assertThat(keys(x.servers())).containsExactlyInAnyOrder(a.key, b.key);

    int cCalls = c.service.calls();
    for (int i = 0; i < 60; i++) {
      assertThat(x.call(ctx(), "Id", "k", String.class)).isIn("a", "b");
    }
    assertThat(c.service.calls()).isEqualTo(cCalls);
    assertThat(a.service.calls()).isPositive();
    assertThat(b.service.calls()).isPositive();
    assertThat(discovery.services()).extracting(KVPair::key).contains(c.key); // still listed
  }
}
