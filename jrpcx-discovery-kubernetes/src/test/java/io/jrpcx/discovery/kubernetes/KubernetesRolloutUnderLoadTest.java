package io.jrpcx.discovery.kubernetes;

import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.endpoint;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.service;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Load;
import io.jrpcx.testing.NodeService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rolling update seen through EndpointSlices while a Failover XClient calls under load (8
 * callers): pods are jrpcx servers on 127.0.0.1 to 127.0.0.5, one port. Pods are added; a pod
 * being replaced first turns not-ready (as the kubelet reports it), keeps serving until the
 * XClient's list no longer has it, and only then stops, as a real rollout drains. No call may
 * fail. The time from each EndpointSlice write to the XClient's new list is measured and printed.
 */
class KubernetesRolloutUnderLoadTest {
  private static final String NS = "shop";
  private final KubernetesApiServer api = new KubernetesApiServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, Server> servers = new LinkedHashMap<>();
  // host number -> ready
  private final Map<Integer, Boolean> pods = new TreeMap<>();
  private final List<String> figures = new ArrayList<>();
  private int port;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    servers.values().forEach(Server::close);
    api.close();
  }

  /** A port free on every loopback address used. */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      int p;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        p = s.getLocalPort();
      }
      boolean free = true;
      for (int host = 2; host <= 5 && free; host++) {
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + host), p));
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return p;
      }
    }
    throw new IOException("no port free on 127.0.0.1-5");
  }

  private String key(int host) {
    return "tcp@127.0.0." + host + ":" + port;
  }

  private void startServer(int host) {
    Server s = Server.builder().build();
    s.register("Node", new NodeService("n" + host), "");
    s.start("tcp", "127.0.0." + host + ":" + port);
    servers.put(key(host), s);
  }

  private void writeSlice() {
    List<Endpoint> endpoints = new ArrayList<>();
    pods.forEach(
        (host, ready) -> endpoints.add(endpoint("127.0.0." + host, "node-" + host, ready, !ready)));
    api.apply(slice(NS, "node", "node-abc", "IPv4", Map.of("rpcx", port), endpoints));
  }

  /** Writes the slice after {@code edit}, then measures until the XClient's list matches it. */
  private void change(XClient x, String what, Runnable edit) {
    edit.run();
    Set<String> expected =
        pods.entrySet().stream()
            .filter(Map.Entry::getValue)
            .map(e -> key(e.getKey()))
            .collect(Collectors.toSet());
    long start = System.nanoTime();
    writeSlice();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(1))
        .until(
            () ->
                x.servers().stream().map(KVPair::key).collect(Collectors.toSet()).equals(expected));
    long ms = (System.nanoTime() - start) / 1_000_000;
    figures.add(what + ": " + ms + " ms");
    System.out.printf("EndpointSlice change -> XClient list (%s): %d ms%n", what, ms);
  }

  @Test
  @Timeout(120)
  void aRollingUpdateUnderLoadLosesNoCall() throws Exception {
    port = freePort();
    api.apply(service(NS, "node", Map.of(), Map.of("rpcx", port)));
    for (int h = 1; h <= 3; h++) {
      startServer(h);
      pods.put(h, true);
    }
    writeSlice();
    KubernetesDiscovery d =
        KubernetesDiscovery.builder()
            .masterUrl(api.url())
            .namespace(NS)
            .service("node")
            .port("rpcx")
            .build();
    closeables.add(0, d);
    XClient x =
        XClient.create("Node", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d, ClientOptions.DEFAULT);
    closeables.add(0, x);
    assertThat(x.servers()).hasSize(3);

    Load.Result result;
    try (Load load =
        Load.start(
            "Id",
            8,
            (thread, i) ->
                x.call(
                    Context.background().withTimeout(Duration.ofSeconds(10)),
                    "Id",
                    "k",
                    String.class))) {
      load.awaitAnswered("n1", 100).awaitAnswered("n2", 100).awaitAnswered("n3", 100);

      // Each step of the rollout: a new pod becomes ready, an old one turns not-ready (and
      // terminating), drains, stops and leaves the slice.
      for (int[] step : new int[][] {{4, 1}, {5, 2}}) {
        int added = step[0];
        int removed = step[1];
        startServer(added);
        change(x, "pod 127.0.0." + added + " ready", () -> pods.put(added, true));
        load.awaitAnswered("n" + added, 200);
        change(x, "pod 127.0.0." + removed + " not ready", () -> pods.put(removed, false));
        servers.remove(key(removed)).shutdown(Duration.ofSeconds(5));
        // Gone from the slice: the list is already without it.
        pods.remove(removed);
        writeSlice();
        load.awaitSucceeded(500);
      }
      // Scale down by one.
      change(x, "pod 127.0.0.3 not ready", () -> pods.put(3, false));
      servers.remove(key(3)).shutdown(Duration.ofSeconds(5));
      load.awaitAnswered("n4", 300).awaitAnswered("n5", 300);
      result = load.stop();
    }
    result.report(
        "Kubernetes rolling update under load: 2 pods replaced, 1 scaled away (Failover,"
            + " KubernetesDiscovery)");
    System.out.println(
        "EndpointSlice change -> new XClient list: "
            + figures
            + "; calls failed/total: "
            + result.failed()
            + "/"
            + result.attempted());
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
  }
}
