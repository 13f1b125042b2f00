package io.jrpcx.registry.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three real jrpcx servers registered through the plugin, one XClient following them through the
 * discovery, all against the Consul stand-in: graceful shutdown, a killed server, an inactive
 * node.
 */
class ConsulEndToEndTest {
  /** Leaf TTL = interval + expired = 2 s; session TTL 1 s, invalidated 2 s after renewal. */
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  private record Node(
      String name, String key, Server server, ConsulRegisterPlugin plugin, NodeService service) {}

  private Node startNode(ConsulStandIn consul, String name) throws Exception {
    int port = ConsulDiscoveryTest.freePort();
    String key = "tcp@127.0.0.1:" + port;
    ConsulRegisterPlugin plugin =
        closeLater(
            ConsulRegisterPlugin.builder()
                .consulAddress(consul.address())
                .serviceAddress(key)
                .updateInterval(INTERVAL)
                .minSessionTtl(Duration.ofMillis(100))
                .build());
    plugin.start();
    Server server = Server.builder().plugin(plugin).build();
    closeLater(server::close);
    NodeService service = new NodeService(name);
    server.register("Node", service, "");
    server.register("Arith", new ArithService(), "");
    server.start("tcp", "127.0.0.1:" + port);
    return new Node(name, key, server, plugin, service);
  }

  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  @Test
  @Timeout(60)
  void serversComeAndGoAndTheClientFollowsWithoutFailedCalls() throws Exception {
    ConsulStandIn consul =
        closeLater(
            ConsulStandIn.start(new ConsulStandIn.Options().minSessionTtl(Duration.ofMillis(100))));
    RawConsul raw = new RawConsul(consul.address());
    Node a = startNode(consul, "a");
    Node b = startNode(consul, "b");
    Node c = startNode(consul, "c");

    ConsulDiscovery discovery =
        closeLater(ConsulDiscovery.create("/rpcx_test", "Node", consul.address()));
    // When each key was last seen leaving the discovery's list.
    Map<String, Long> leftAt = new ConcurrentHashMap<>();
    discovery.watch(
        nodes -> {
          long now = System.nanoTime();
          for (Node n : List.of(a, b, c)) {
            if (nodes.stream().noneMatch(p -> p.key().equals(n.key()))) {
              leftAt.putIfAbsent(n.key(), now);
            }
          }
        });
    XClient x =
        closeLater(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));
    await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 3);
    assertThat(x.servers())
        .extracting(KVPair::key)
        .containsExactlyInAnyOrder(a.key(), b.key(), c.key());

    // 1. state=inactive on a: it leaves the client's selection and gets no more calls.
    String leafA = "rpcx_test/Node/" + a.key();
    raw.put(leafA, "flags=" + RawConsul.LOCK_FLAGS, "state=inactive");
    await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 2);
    int aCalls = a.service().calls();
    for (int i = 0; i < 30; i++) {
      x.call(ctx(), "Id", "k", String.class);
    }
    assertThat(a.service().calls()).isEqualTo(aCalls);
    assertThat(b.service().calls() + c.service().calls()).isGreaterThanOrEqualTo(30);
    raw.put(leafA, "flags=" + RawConsul.LOCK_FLAGS, "");
    await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 3);

    // Calls run all along from here on.
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    Thread caller =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  x.call(ctx(), "Id", "k", String.class);
                  ok.incrementAndGet();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              }
            },
            "e2e-caller");
    caller.start();
    closeLater(
        () -> {
          running.set(false);
          caller.join(10_000);
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 50);

    // 2. a shuts down gracefully: it unregisters before draining.
    long stopA = System.nanoTime();
    a.server().shutdown(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> leftAt.containsKey(a.key()));
    long gracefulMs = (leftAt.get(a.key()) - stopA) / 1_000_000;
    int okAfterA = ok.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > okAfterA + 50);
    assertThat(failures).as("calls failed during the graceful shutdown").isEmpty();
    assertThat(x.servers()).extracting(KVPair::key).containsExactlyInAnyOrder(b.key(), c.key());

    // 3. b is killed: no unregister, its plugin stops renewing; Consul expires the session.
    long stopB = System.nanoTime();
    b.plugin().simulateCrash();
    b.server().close();
    await().atMost(Duration.ofSeconds(15)).until(() -> leftAt.containsKey(b.key()));
    long killedMs = (leftAt.get(b.key()) - stopB) / 1_000_000;
    assertThat(consul.kv("rpcx_test/Node/" + b.key())).isNull();
    int okAfterB = ok.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > okAfterB + 50);
    running.set(false);
    caller.join(10_000);
    int cCalls = c.service().calls();
    assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("c");
    assertThat(c.service().calls()).isEqualTo(cCalls + 1);

    System.out.printf(
        "[consul e2e] session TTL %d ms (Consul invalidates after 2x), "
            + "update interval %d ms%n",
        b.plugin().sessionTtl().toMillis(), INTERVAL.toMillis());
    System.out.printf("[consul e2e] graceful shutdown -> client list update: %d ms%n", gracefulMs);
    System.out.printf(
        "[consul e2e] killed (renewals stopped) -> client list update: %d ms; "
            + "calls failed meanwhile: %d of %d%n",
        killedMs, failures.size(), ok.get() + failures.size());
    assertThat(failures).as("FAILOVER hides the dead node's connection errors").isEmpty();
  }
}
