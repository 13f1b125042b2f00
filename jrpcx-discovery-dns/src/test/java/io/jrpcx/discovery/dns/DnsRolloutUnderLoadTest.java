package io.jrpcx.discovery.dns;

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
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rollout seen through DNS while a Failover XClient calls under load (8 callers): servers on
 * 127.0.0.1 to 127.0.0.5, one port, found through the A records of one name refreshed every
 * second. Nodes are added and removed; a removed node's server keeps serving until the XClient's
 * list no longer has it, and only then stops, as a real rollout drains. No call may fail. The time
 * from each record change to the XClient's new list is measured and printed.
 */
class DnsRolloutUnderLoadTest {
  private static final String NAME = "node.rpcx.test";
  private final DnsTestServer dns = new DnsTestServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, Server> servers = new LinkedHashMap<>();
  private final Set<String> published = new TreeSet<>();
  private final List<String> figures = new ArrayList<>();
  private int port;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    servers.values().forEach(Server::close);
    dns.close();
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

  private void publish() {
    dns.addresses(NAME, published.stream().map(h -> "127.0.0." + h).toArray(String[]::new));
  }

  /** Changes the records, then measures until the XClient's list matches them. */
  private long change(XClient x, String what, Runnable edit) {
    long start = System.nanoTime();
    edit.run();
    publish();
    Set<String> expected =
        published.stream().map(h -> key(Integer.parseInt(h))).collect(Collectors.toSet());
    Predicate<List<KVPair>> matches =
        nodes -> nodes.stream().map(KVPair::key).collect(Collectors.toSet()).equals(expected);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> matches.test(x.servers()));
    long ms = (System.nanoTime() - start) / 1_000_000;
    figures.add(what + ": " + ms + " ms");
    System.out.printf("DNS record change -> XClient list (%s): %d ms%n", what, ms);
    return ms;
  }

  @Test
  @Timeout(90)
  void nodesAddedAndRemovedUnderLoadLoseNoCall() throws Exception {
    port = freePort();
    for (int h = 1; h <= 3; h++) {
      startServer(h);
      published.add(String.valueOf(h));
    }
    publish();
    DnsDiscovery d =
        DnsDiscovery.builder()
            .domain(NAME)
            .port(port)
            .nameServers(dns.address())
            .refreshInterval(Duration.ofSeconds(1))
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

      startServer(4);
      change(x, "add 127.0.0.4", () -> published.add("4"));
      load.awaitAnswered("n4", 200);

      change(x, "remove 127.0.0.1", () -> published.remove("1"));
      servers.remove(key(1)).shutdown(Duration.ofSeconds(5));
      load.awaitSucceeded(500);

      startServer(5);
      change(x, "add 127.0.0.5", () -> published.add("5"));
      load.awaitAnswered("n5", 200);

      change(x, "remove 127.0.0.2 and 127.0.0.3", () -> published.removeAll(Set.of("2", "3")));
      servers.remove(key(2)).shutdown(Duration.ofSeconds(5));
      servers.remove(key(3)).shutdown(Duration.ofSeconds(5));
      load.awaitAnswered("n4", 200).awaitAnswered("n5", 200);

      change(x, "remove 127.0.0.4", () -> published.remove("4"));
      servers.remove(key(4)).shutdown(Duration.ofSeconds(5));
      load.awaitAnswered("n5", 500);
      result = load.stop();
    }
    result.report("DNS rollout under load: 2 nodes added, 4 removed (Failover, DnsDiscovery 1 s)");
    System.out.println(
        "DNS change -> new XClient list: "
            + figures
            + "; calls failed/total: "
            + result.failed()
            + "/"
            + result.attempted());
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
  }
}
