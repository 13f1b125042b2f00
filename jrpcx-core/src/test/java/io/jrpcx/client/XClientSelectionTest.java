package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.RpcException;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.client.selector.Selector;
import io.jrpcx.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where an XClient's calls go: every select mode and the node filters, over real servers. */
class XClientSelectionTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  /** A fresh ten-second deadline per call: a deadline is an instant, not a duration. */
  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  private XClient xclient(
      SelectMode mode, MultipleServersDiscovery discovery, ClientOptions options) {
    return cluster.closeAfter(XClient.create("Node", FailMode.FAILFAST, mode, discovery, options));
  }

  private static Map<String, Integer> tally(XClient x, int calls, String keyPrefix) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      counts.merge(x.call(ctx(), "Id", keyPrefix + i, String.class), 1, Integer::sum);
    }
    System.out.println(x.selectMode() + " over " + calls + " calls: " + counts);
    return counts;
  }

  @Test
  void weightedRoundRobinFollowsNginxSmoothOrder() {
    cluster.start("a", "weight=5");
    cluster.start("b", "weight=1");
    cluster.start("c", "weight=1");
    // The discovery order is the tie-break order, as in nginx.
    XClient x =
        xclient(SelectMode.WEIGHTED_ROUND_ROBIN, cluster.discovery(), ClientOptions.DEFAULT);

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      order.add(x.call(ctx(), "Id", "k", String.class));
    }
    assertThat(order)
        .containsExactly("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a");
    assertThat(tally(x, 700, "k")).isEqualTo(Map.of("a", 500, "b", 100, "c", 100));
  }

  @Test
  void roundRobinVisitsEveryNodeInTurn() {
    cluster.start("a", "");
    cluster.start("b", "");
    cluster.start("c", "");
    XClient x = xclient(SelectMode.ROUND_ROBIN, cluster.discovery(), ClientOptions.DEFAULT);

    assertThat(tally(x, 300, "k")).isEqualTo(Map.of("a", 100, "b", 100, "c", 100));
  }

  @Test
  void randomReachesEveryNode() {
    cluster.start("a", "");
    cluster.start("b", "");
    cluster.start("c", "");
    XClient x = xclient(SelectMode.RANDOM_SELECT, cluster.discovery(), ClientOptions.DEFAULT);

    Map<String, Integer> counts = tally(x, 600, "k");
    assertThat(counts).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void consistentHashMapsAKeyToTheSameNodeInIndependentClients() {
    cluster.start("a", "");
    cluster.start("b", "");
    cluster.start("c", "");
    List<KVPair> nodes = cluster.nodes();
    List<KVPair> reversed = new ArrayList<>(nodes);
    java.util.Collections.reverse(reversed);
    XClient one =
        xclient(
            SelectMode.CONSISTENT_HASH,
            cluster.closeAfter(new MultipleServersDiscovery(nodes)),
            ClientOptions.DEFAULT);
    XClient two =
        xclient(
            SelectMode.CONSISTENT_HASH,
            cluster.closeAfter(new MultipleServersDiscovery(reversed)),
            ClientOptions.DEFAULT);

    for (int i = 0; i < 300; i++) {
      String key = "user-" + i;
      assertThat(two.call(ctx(), "Id", key, String.class))
          .isEqualTo(one.call(ctx(), "Id", key, String.class));
    }
    assertThat(tally(one, 300, "user-")).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void consistentHashMovesOnlyTheNewNodesShareWhenANodeIsAdded() {
    cluster.start("a", "");
    cluster.start("b", "");
    cluster.start("c", "");
    MultipleServersDiscovery discovery = cluster.discovery();
    XClient x = xclient(SelectMode.CONSISTENT_HASH, discovery, ClientOptions.DEFAULT);
    int keys = 400;
    List<String> before = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      before.add(x.call(ctx(), "Id", "user-" + i, String.class));
    }

    cluster.start("d", "");
    discovery.update(cluster.nodes());

    int moved = 0;
    for (int i = 0; i < keys; i++) {
      String now = x.call(ctx(), "Id", "user-" + i, String.class);
      if (!now.equals(before.get(i))) {
        moved++;
        assertThat(now).isEqualTo("d"); // keys only move to the new node
      }
    }
    System.out.println("consistent hash: adding a 4th node moved " + moved + " of " + keys);
    // 1/4 expected; the bounds are loose binomial limits, not timing.
    assertThat(moved).isBetween(keys / 8, keys * 3 / 8);
  }

  @Test
  void closestPicksTheNearestNode() {
    cluster.start("beijing", "latitude=39.9042&longitude=116.4074");
    cluster.start("shanghai", "latitude=31.2304&longitude=121.4737");
    cluster.start("sf", "latitude=37.7749&longitude=-122.4194");
    XClient x = xclient(SelectMode.CLOSEST, cluster.discovery(), ClientOptions.DEFAULT);
    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("configGeoSelector");

    x.configGeoSelector(39.3434, 117.3616); // Tianjin
    assertThat(tally(x, 20, "k")).containsOnlyKeys("beijing");
    x.configGeoSelector(37.3382, -121.8863); // San Jose
    assertThat(tally(x, 20, "k")).containsOnlyKeys("sf");
  }

  @Test
  void groupAndInactiveStateFilterTheNodes() {
    cluster.start("g1", "group=g1");
    cluster.start("g1g2", "group=g2&group=g1");
    cluster.start("g1-inactive", "group=g1&state=inactive");
    cluster.start("nogroup", "");
    cluster.start("inactive", "state=inactive");
    MultipleServersDiscovery discovery = cluster.discovery();

    XClient grouped =
        xclient(
            SelectMode.ROUND_ROBIN,
            discovery,
            ClientOptions.DEFAULT.toBuilder().group("g1").build());
    XClient all = xclient(SelectMode.ROUND_ROBIN, discovery, ClientOptions.DEFAULT);

    assertThat(tally(grouped, 40, "k")).containsOnlyKeys("g1", "g1g2");
    assertThat(tally(all, 60, "k")).containsOnlyKeys("g1", "g1g2", "nogroup");
  }

  @Test
  void aNodeMarkedInactiveStopsReceivingCalls() {
    cluster.start("a", "");
    cluster.start("b", "");
    MultipleServersDiscovery discovery = cluster.discovery();
    XClient x = xclient(SelectMode.ROUND_ROBIN, discovery, ClientOptions.DEFAULT);
    assertThat(tally(x, 10, "k")).containsOnlyKeys("a", "b");

    cluster.list("b", cluster.node("b").key(), "state=inactive");
    discovery.update(cluster.nodes());

    assertThat(x.servers()).extracting(KVPair::key).containsExactly(cluster.node("a").key());
    assertThat(tally(x, 10, "k")).containsOnlyKeys("a");
  }

  @Test
  void aUserSelectorIsRequiredAndUsedForSelectByUser() {
    String a = cluster.start("a", "");
    cluster.start("b", "");
    XClient x = xclient(SelectMode.SELECT_BY_USER, cluster.discovery(), ClientOptions.DEFAULT);
    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .hasMessageContaining("setSelector");

    List<List<KVPair>> updates = new ArrayList<>();
    x.setSelector(
        new Selector() {
          @Override
          public String select(Context ctx, String servicePath, String serviceMethod, Object args) {
            return a;
          }

          @Override
          public void updateServer(List<KVPair> servers) {
            updates.add(servers);
          }
        });

    assertThat(updates).hasSize(1);
    assertThat(updates.get(0)).hasSize(2);
    assertThat(tally(x, 10, "k")).containsOnlyKeys("a");
  }

  @Test
  void aWrapSelectPluginSeesAndOverridesEverySelection() {
    cluster.start("a", "");
    String b = cluster.start("b", "");
    XClient x = xclient(SelectMode.ROUND_ROBIN, cluster.discovery(), ClientOptions.DEFAULT);
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    x.setPlugins(
        List.of(
            (ClientPlugin.WrapSelect)
                next ->
                    (ctx, path, method, args) -> {
                      seen.add(next.select(ctx, path, method, args));
                      return b;
                    }));

    assertThat(tally(x, 10, "k")).containsOnlyKeys("b");
    assertThat(seen).hasSize(10).contains(cluster.node("a").key(), b);
  }

  @Test
  void weightedIcmpSpreadsCallsOverReachableNodes() {
    cluster.start("a", "");
    cluster.start("b", "");
    XClient x = xclient(SelectMode.WEIGHTED_ICMP, cluster.discovery(), ClientOptions.DEFAULT);

    // Both nodes are on loopback: their measured weights end equal (191), and before the first
    // probe every node weighs the same, so calls alternate either way.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(tally(x, 20, "k")).containsOnlyKeys("a", "b"));
  }
}
