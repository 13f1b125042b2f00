package io.jrpcx.registry.mdns;

import static io.jrpcx.registry.mdns.MdnsRegistryTest.SEEN;
import static io.jrpcx.registry.mdns.MdnsRegistryTest.loopback;
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
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real jrpcx servers announced through the plugin and one XClient following them through the
 * discovery, all in one JVM multicasting on 127.0.0.1: an inactive node, graceful shutdown, and a
 * server whose mDNS stops without a goodbye (records with a 4 s TTL). The SIGKILLed server
 * process is {@link MdnsNamespaceTest}'s.
 */
class MdnsEndToEndTest {
  /** Short, so that the server that stops without a goodbye leaves within the test. */
  private static final Duration TTL = Duration.ofSeconds(4);

  @RegisterExtension final Closer closer = new Closer();

  private record Node(
      String name, String key, Server server, MdnsRegisterPlugin plugin, NodeService service) {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Node startNode(String name) throws Exception {
    int port = freePort();
    String key = "tcp@127.0.0.1:" + port;
    MdnsRegisterPlugin plugin =
        closer.laterSlow(
            MdnsRegisterPlugin.builder()
                .serviceAddress(key)
                .instanceName(MdnsRegistryTest.unique("node-" + name))
                .bindAddress(loopback())
                .updateInterval(Duration.ofSeconds(1))
                .ttl(TTL)
                .build());
    plugin.start();
    Server server = closer.later(Server.builder().plugin(plugin).build());
    NodeService service = new NodeService(name);
    // Node alone: with a second service the refreshed TXT (rates added) would pass 255 bytes
    // and one of the two would be left out of the announcement.
    server.register("Node", service, "");
    server.start("tcp", "127.0.0.1:" + port);
    return new Node(name, key, server, plugin, service);
  }

  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  private MdnsDiscovery discovery(String service) throws Exception {
    return closer.laterSlow(
        MdnsDiscovery.builder()
            .bindAddress(loopback())
            .timeout(Duration.ofMillis(300))
            .watchInterval(Duration.ofSeconds(1))
            .servicePath(service)
            .build());
  }

  @Test
  @Timeout(90)
  void serversComeAndGoAndTheClientFollowsWithoutFailedCalls() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    Node c = startNode("c");
    MdnsDiscovery discovery = discovery("Node");
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
        closer.later(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));
    await().atMost(SEEN).until(() -> x.servers().size() == 3);
    leftAt.clear(); // lists published while the nodes were being found
    assertThat(x.servers())
        .extracting(KVPair::key)
        .containsExactlyInAnyOrder(a.key(), b.key(), c.key());

    // 1. a announces state=inactive for Node: it leaves the selection and gets no calls.
    a.server().unregister("Node");
    a.server().register("Node", a.service(), "state=inactive");
    await().atMost(SEEN).until(() -> x.servers().size() == 2);
    int aCalls = a.service().calls();
    for (int i = 0; i < 30; i++) {
      x.call(ctx(), "Id", "k", String.class);
    }
    assertThat(a.service().calls()).isEqualTo(aCalls);
    a.server().unregister("Node");
    a.server().register("Node", a.service(), "");
    await().atMost(SEEN).until(() -> x.servers().size() == 3);
    leftAt.clear();

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
    closer.later(
        () -> {
          running.set(false);
          caller.join(10_000);
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 50);

    // 2. a shuts down gracefully: the plugin announces an empty list before draining.
    long stopA = System.nanoTime();
    a.server().shutdown(Duration.ofSeconds(5));
    await().atMost(SEEN).until(() -> leftAt.containsKey(a.key()));
    assertThat(leftAt.get(a.key()) - stopA)
        .as("a left after its shutdown, not before")
        .isNotNegative();
    long gracefulMs = (leftAt.get(a.key()) - stopA) / 1_000_000;
    int okAfterA = ok.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > okAfterA + 50);
    assertThat(failures).as("calls failed during the graceful shutdown").isEmpty();

    // 3. b stops without unregistering and without a goodbye: it leaves when its records
    // expire (TTL 4 s); the discovery's refresh queries kept a, c and b alive until then.
    long stopB = System.nanoTime();
    b.server().close();
    b.plugin().simulateCrash();
    long crashReturnedMs = (System.nanoTime() - stopB) / 1_000_000;
    await().atMost(SEEN).until(() -> leftAt.containsKey(b.key()));
    assertThat(leftAt.get(b.key()) - stopB)
        .as("b left after it stopped, not before")
        .isNotNegative();
    long stoppedMs = (leftAt.get(b.key()) - stopB) / 1_000_000;
    int okAfterB = ok.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > okAfterB + 50);
    running.set(false);
    caller.join(10_000);
    assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("c");

    System.out.printf("[mdns e2e] graceful shutdown -> client list update: %d ms%n", gracefulMs);
    System.out.printf(
        "[mdns e2e] server closed, mDNS stopped without goodbye (TTL %d s) -> client "
            + "list update: %d ms (the stop took %d ms); calls failed: %d of %d%n",
        TTL.toSeconds(), stoppedMs, crashReturnedMs, failures.size(), ok.get() + failures.size());
    assertThat(failures).as("FAILOVER hides the dead node's connection errors").isEmpty();
  }
}
