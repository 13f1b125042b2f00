package io.jrpcx.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.NodeService;
import io.jrpcx.testing.TcpProxy;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real jrpcx servers registered through the plugin, an XClient finding them through the
 * discovery, and calls running all along while one node is marked inactive, one shuts down
 * gracefully and one is killed.
 */
class RedisEndToEndTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  private static final Duration UPDATE_INTERVAL = Duration.ofSeconds(1);

  /** One jrpcx server, its plugin, and the proxy its plugin reaches Redis through. */
  private static final class Node {
    final String name;
    final String key;
    final TcpProxy proxy;
    final RedisRegisterPlugin plugin;
    final Server server;

    Node(String name) throws Exception {
      this.name = name;
      int port = RedisServer.freePort();
      this.key = "tcp@127.0.0.1:" + port;
      this.proxy = new TcpProxy(redis.port());
      this.plugin =
          RedisRegisterPlugin.builder()
              .redisAddress(proxy.address())
              .serviceAddress(key)
              .updateInterval(UPDATE_INTERVAL)
              .build();
      this.server = Server.builder().plugin(plugin).build();
      server.register("Node", new NodeService(name), "weight=1");
      plugin.start();
      server.start("tcp", "127.0.0.1:" + port);
    }

    String leaf() {
      return "//rpcx_test/Node/" + key;
    }

    void close() throws Exception {
      server.close();
      plugin.close();
      proxy.close();
    }
  }

  /** A list the discovery delivered, and when. */
  private record Update(long nanos, List<String> keys) {}

  private final List<Node> nodes = new ArrayList<>();
  private final List<Update> updates = new CopyOnWriteArrayList<>();
  private final AtomicBoolean calling = new AtomicBoolean(true);
  private final AtomicReference<String> phase = new AtomicReference<>("start");
  private final Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
  private final Map<String, List<Throwable>> failures = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private ExecutorService callers;
  private RedisDiscovery discovery;
  private XClient client;

  @AfterEach
  void tearDown() throws Exception {
    calling.set(false);
    if (callers != null) {
      callers.shutdown();
      callers.awaitTermination(15, TimeUnit.SECONDS);
    }
    if (client != null) {
      client.close();
    }
    if (discovery != null) {
      discovery.close();
    }
    for (Node n : nodes) {
      n.close();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void nodesComeAndGoWhileCallsKeepSucceeding() throws Exception {
    Node a = start("a");
    Node b = start("b");
    Node c = start("c");
    discovery = RedisDiscovery.create("/rpcx_test", "Node", redis.address());
    discovery.watch(
        list ->
            updates.add(new Update(System.nanoTime(), list.stream().map(KVPair::key).toList())));
    client =
        XClient.create(
            "Node", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, discovery, ClientOptions.DEFAULT);
    assertThat(client.servers())
        .extracting(KVPair::key)
        .containsExactlyInAnyOrder(a.key, b.key, c.key);

    callers = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 4; i++) {
      callers.execute(this::callLoop);
    }
    awaitCalls(300);
    assertThat(answeredBy.keySet()).containsExactlyInAnyOrder("a", "b", "c");

    // 1. An operator marks c inactive in Redis: its traffic stops, and the update loop keeps
    // the mark while it refreshes the rates.
    phase.set("inactive");
    RedisCommands<String, String> redisCli = redis.commands();
    redisCli.set(
        c.leaf(),
        Libkv.envelope("/rpcx_test/Node/" + c.key, "state=inactive&weight=1"),
        SetArgs.Builder.keepttl());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(client.servers())
                    .extracting(KVPair::key)
                    .containsExactlyInAnyOrder(a.key, b.key));
    awaitCalls(50); // calls that were already on their way to c finish
    int toC = answeredBy.get("c").get();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Libkv.decode(redisCli.get(c.leaf())).value())
                    .contains("calls=")
                    .contains("state=inactive"));
    awaitCalls(300);
    assertThat(answeredBy.get("c").get()).isEqualTo(toC);
    assertThat(client.servers()).extracting(KVPair::key).doesNotContain(c.key);

    // 2. a shuts down gracefully under load: it leaves the list first, and no call fails.
    phase.set("graceful");
    long stopped = System.nanoTime();
    a.server.shutdown(Duration.ofSeconds(10));
    long gracefulMs = awaitGone(a.key, stopped);
    awaitCalls(300);
    assertThat(failures.getOrDefault("inactive", List.of())).isEmpty();
    assertThat(failures.getOrDefault("graceful", List.of())).isEmpty();
    assertThat(client.servers()).extracting(KVPair::key).containsExactly(b.key);

    // c comes back, so that killing b leaves a node to call.
    phase.set("reactivate");
    redisCli.set(
        c.leaf(),
        Libkv.envelope("/rpcx_test/Node/" + c.key, "weight=1"),
        SetArgs.Builder.keepttl());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(client.servers())
                    .extracting(KVPair::key)
                    .containsExactlyInAnyOrder(b.key, c.key));

    // 3. b is killed: its process "dies" (server closed, its Redis connection cut, nothing
    // unregistered); its leaf expires within 2 x updateInterval and the client drops it.
    phase.set("killed");
    stopped = System.nanoTime();
    b.proxy.close();
    b.server.close();
    long killedMs = awaitGone(b.key, stopped);
    phase.set("after");
    awaitCalls(300);
    assertThat(client.servers()).extracting(KVPair::key).containsExactly(c.key);
    assertThat(failures.getOrDefault("after", List.of())).isEmpty();

    System.out.printf(
        "stop -> client list update: graceful shutdown %d ms, killed %d ms"
            + " (updateInterval %d ms, leaf TTL %d ms); calls failed while killed: %d of %d%n",
        gracefulMs,
        killedMs,
        UPDATE_INTERVAL.toMillis(),
        UPDATE_INTERVAL.toMillis() * 2,
        failures.getOrDefault("killed", List.of()).size(),
        calls.get());
  }

  private Node start(String name) throws Exception {
    Node n = new Node(name);
    nodes.add(n);
    return n;
  }

  private void callLoop() {
    while (calling.get()) {
      String p = phase.get();
      try {
        String who =
            client.call(
                Context.background().withTimeout(Duration.ofSeconds(10)), "Id", "k", String.class);
        answeredBy.computeIfAbsent(who, k -> new AtomicInteger()).incrementAndGet();
      } catch (RuntimeException e) {
        if (calling.get()) {
          failures.computeIfAbsent(p, k -> new CopyOnWriteArrayList<>()).add(e);
        }
      }
      calls.incrementAndGet();
    }
  }

  /** Waits until {@code n} more calls have completed. */
  private void awaitCalls(int n) {
    int target = calls.get() + n;
    await().atMost(Duration.ofSeconds(20)).until(() -> calls.get() >= target);
  }

  /** Waits for the first update after {@code since} without {@code key}; its delay in ms. */
  private long awaitGone(String key, long since) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> updates.stream().anyMatch(u -> u.nanos() >= since && !u.keys().contains(key)));
    Update u =
        updates.stream()
            .filter(x -> x.nanos() >= since && !x.keys().contains(key))
            .findFirst()
            .orElseThrow();
    return (u.nanos() - since) / 1_000_000;
  }
}
