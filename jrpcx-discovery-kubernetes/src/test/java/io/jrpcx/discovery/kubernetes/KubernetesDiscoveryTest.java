package io.jrpcx.discovery.kubernetes;

import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.endpoint;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.pod;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.service;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.Registries;
import io.jrpcx.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KubernetesDiscovery} against fabric8's API server stand-in in CRUD mode (real HTTP and
 * watches on loopback): the tests write Services, Pods and EndpointSlices as Kubernetes would
 * while pods scale, flip readiness, change annotations, and while the API server restarts.
 */
@Timeout(60)
class KubernetesDiscoveryTest {
  private static final String NS = "shop";
  private static final Map<String, Integer> PORTS = Map.of("rpcx", 8972);
  private final KubernetesApiServer api = new KubernetesApiServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    api.close();
  }

  private KubernetesDiscovery open(KubernetesDiscovery.Builder b) {
    KubernetesDiscovery d = b.build();
    closeables.add(0, d);
    return d;
  }

  private KubernetesDiscovery.Builder builder() {
    return KubernetesDiscovery.builder()
        .masterUrl(api.url())
        .namespace(NS)
        .service("arith")
        .port("rpcx")
        .requestTimeout(Duration.ofSeconds(2));
  }

  private void arith(Map<String, String> annotations, Endpoint... endpoints) {
    api.apply(service(NS, "arith", annotations, PORTS));
    api.apply(slice(NS, "arith", "arith-abc", "IPv4", PORTS, List.of(endpoints)));
  }

  private static List<String> nodes(List<KVPair> list) {
    return list.stream().map(KVPair::toString).toList();
  }

  @Test
  void listsTheReadyEndpointsBeforeReturningWithMetadataFromTheAnnotations() {
    api.apply(pod(NS, "arith", "arith-1", Map.of()));
    api.apply(pod(NS, "arith", "arith-2", Map.of("rpcx.io/weight", "20", "other/x", "y")));
    arith(
        Map.of("rpcx.io/weight", "10", "rpcx.io/group", "g1", "kubectl/ignored", "x"),
        endpoint("10.1.0.1", "arith-1", true, false),
        endpoint("10.1.0.2", "arith-2", null, null), // unset conditions: ready, not terminating
        endpoint("10.1.0.3", "arith-3", false, false),
        endpoint("10.1.0.4", "arith-4", true, true));
    KubernetesDiscovery d = open(builder());
    assertThat(nodes(d.services()))
        .containsExactly(
            "tcp@10.1.0.1:8972?group=g1&weight=10", "tcp@10.1.0.2:8972?group=g1&weight=20");
    assertThat(d.services().get(1).metadata("weight")).isEqualTo("20");
    assertThat(d.lastError()).isNull();
    assertThat(d.namespace()).isEqualTo(NS);
    assertThat(d.service()).isEqualTo("arith");
  }

  @Test
  void scalingUpAndDownIsFollowed() {
    arith(Map.of(), endpoint("10.1.0.1", "arith-1", true, false));
    KubernetesDiscovery d = open(builder());
    List<List<String>> updates = new CopyOnWriteArrayList<>();
    d.watch(list -> updates.add(nodes(list)));

    arith(
        Map.of(),
        endpoint("10.1.0.1", "arith-1", true, false),
        endpoint("10.1.0.2", "arith-2", true, false),
        endpoint("10.1.0.3", "arith-3", true, false));
    await()
        .until(
            () ->
                nodes(d.services())
                    .equals(
                        List.of("tcp@10.1.0.1:8972", "tcp@10.1.0.2:8972", "tcp@10.1.0.3:8972")));

    arith(Map.of(), endpoint("10.1.0.3", "arith-3", true, false));
    await().until(() -> nodes(d.services()).equals(List.of("tcp@10.1.0.3:8972")));
    assertThat(updates).last().isEqualTo(List.of("tcp@10.1.0.3:8972"));
  }

  @Test
  void notReadyAndTerminatingEndpointsAreDroppedAtOnceAndComeBack() {
    arith(
        Map.of(),
        endpoint("10.1.0.1", "arith-1", true, false),
        endpoint("10.1.0.2", "arith-2", true, false));
    KubernetesDiscovery d = open(builder());
    assertThat(d.services()).hasSize(2);

    arith(
        Map.of(),
        endpoint("10.1.0.1", "arith-1", false, false),
        endpoint("10.1.0.2", "arith-2", true, false));
    await().until(() -> nodes(d.services()).equals(List.of("tcp@10.1.0.2:8972")));

    arith(
        Map.of(),
        endpoint("10.1.0.1", "arith-1", true, false),
        endpoint("10.1.0.2", "arith-2", true, true));
    await().until(() -> nodes(d.services()).equals(List.of("tcp@10.1.0.1:8972")));

    arith(
        Map.of(),
        endpoint("10.1.0.1", "arith-1", true, false),
        endpoint("10.1.0.2", "arith-2", true, false));
    await().until(() -> d.services().size() == 2);
  }

  @Test
  void serviceAndPodAnnotationChangesChangeTheMetadata() {
    api.apply(pod(NS, "arith", "arith-1", Map.of()));
    arith(Map.of("rpcx.io/weight", "10"), endpoint("10.1.0.1", "arith-1", true, false));
    KubernetesDiscovery d = open(builder());
    assertThat(nodes(d.services())).containsExactly("tcp@10.1.0.1:8972?weight=10");

    api.apply(service(NS, "arith", Map.of("rpcx.io/weight", "30", "rpcx.io/group", "g2"), PORTS));
    await()
        .until(() -> nodes(d.services()).equals(List.of("tcp@10.1.0.1:8972?group=g2&weight=30")));

    api.apply(pod(NS, "arith", "arith-1", Map.of("rpcx.io/state", "inactive")));
    await()
        .until(
            () ->
                nodes(d.services())
                    .equals(List.of("tcp@10.1.0.1:8972?group=g2&state=inactive&weight=30")));
    assertThat(d.services().get(0).metadata("state")).isEqualTo("inactive");
  }

  @Test
  void aNewPodSelectorIsWatchedForPodAnnotations() {
    api.apply(pod(NS, "arith", "arith-1", Map.of("rpcx.io/weight", "5")));
    arith(Map.of(), endpoint("10.1.0.1", "arith-1", true, false));
    KubernetesDiscovery d = open(builder());
    assertThat(nodes(d.services())).containsExactly("tcp@10.1.0.1:8972?weight=5");

    // The Service now selects app=v2, and the pod is relabelled.
    api.apply(pod(NS, "v2", "arith-1", Map.of("rpcx.io/weight", "6")));
    api.apply(service(NS, "arith", "v2", Map.of(), PORTS));
    await().until(() -> nodes(d.services()).equals(List.of("tcp@10.1.0.1:8972?weight=6")));
    // Only a pod watch on the new selector sees this.
    api.apply(pod(NS, "v2", "arith-1", Map.of("rpcx.io/weight", "7")));
    await().until(() -> nodes(d.services()).equals(List.of("tcp@10.1.0.1:8972?weight=7")));
  }

  @Test
  void thePortIsFoundByNameByNumberOrAsTheOnlyOneAndIpv6IsBracketed() {
    Map<String, Integer> two = Map.of("rpcx", 8972, "metrics", 9090);
    api.apply(service(NS, "arith", Map.of(), two));
    api.apply(
        slice(
            NS, "arith", "arith-v4", "IPv4", two, List.of(endpoint("10.1.0.1", "p", true, false))));
    api.apply(
        slice(
            NS, "arith", "arith-v6", "IPv6", two, List.of(endpoint("fd00::1", "p", true, false))));
    assertThat(nodes(open(builder().port("metrics")).services()))
        .containsExactly("tcp@10.1.0.1:9090", "tcp@[fd00::1]:9090");
    assertThat(nodes(open(builder().port("8972").network("quic")).services()))
        .containsExactly("quic@10.1.0.1:8972", "quic@[fd00::1]:8972");

    api.apply(service(NS, "solo", Map.of(), Map.of("x", 7000)));
    api.apply(
        slice(
            NS,
            "solo",
            "solo-1",
            "IPv4",
            Map.of("x", 7000),
            List.of(endpoint("10.2.0.1", "s", true, false))));
    KubernetesDiscovery solo =
        open(KubernetesDiscovery.builder().masterUrl(api.url()).namespace(NS).service("solo"));
    assertThat(nodes(solo.services())).containsExactly("tcp@10.2.0.1:7000");
  }

  @Test
  void anApiServerRestartKeepsTheNodesThenListsTheRecreatedObjects() throws Exception {
    arith(
        Map.of(),
        endpoint("10.1.0.1", "arith-1", true, false),
        endpoint("10.1.0.2", "arith-2", true, false));
    KubernetesDiscovery d = open(builder());
    assertThat(d.services()).hasSize(2);

    List<String> logged =
        LogCapture.during(
            () -> {
              api.stop();
              await().atMost(Duration.ofSeconds(20)).until(() -> d.lastError() != null);
              assertThat(d.services()).hasSize(2);

              api.startAgain();
              // The objects as they are after the restart: one pod more.
              arith(
                  Map.of("rpcx.io/weight", "5"),
                  endpoint("10.1.0.1", "arith-1", true, false),
                  endpoint("10.1.0.2", "arith-2", true, false),
                  endpoint("10.1.0.3", "arith-3", true, false));
              await()
                  .atMost(Duration.ofSeconds(40))
                  .until(() -> d.services().size() == 3 && d.lastError() == null);
              // And the new watches see changes made after it.
              arith(Map.of("rpcx.io/weight", "5"), endpoint("10.1.0.3", "arith-3", true, false));
              await()
                  .atMost(Duration.ofSeconds(20))
                  .until(() -> nodes(d.services()).equals(List.of("tcp@10.1.0.3:8972?weight=5")));
            });
    assertThat(logged.stream().filter(l -> l.contains("WARN") && l.contains("KubernetesDiscovery")))
        .hasSize(1);
  }

  @Test
  void anApiServerThatIsDownAtStartGivesAnEmptyListAndTheError() {
    String url = api.url();
    api.stop();
    KubernetesDiscovery d =
        open(
            KubernetesDiscovery.builder()
                .masterUrl(url)
                .namespace(NS)
                .service("arith")
                .requestTimeout(Duration.ofMillis(500)));
    assertThat(d.services()).isEmpty();
    assertThat(d.lastError()).isNotNull();
    api.startAgain();
    arith(Map.of(), endpoint("10.1.0.1", "arith-1", true, false));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> nodes(d.services()).equals(List.of("tcp@10.1.0.1:8972")));
  }

  @Test
  void cloneFollowsTheSameServiceAndSharesTheClient() {
    arith(Map.of(), endpoint("10.1.0.1", "arith-1", true, false));
    KubernetesDiscovery d = open(builder());
    d.setFilter(n -> false);
    KubernetesDiscovery clone = d.clone("Echo");
    closeables.add(0, clone);
    assertThat(clone.service()).isEqualTo("arith");
    assertThat(nodes(clone.services())).containsExactly("tcp@10.1.0.1:8972");
    d.close();
    assertThatThrownBy(() -> d.clone("Echo")).isInstanceOf(IllegalStateException.class);
    // The shared client stays open for the clone.
    arith(Map.of(), endpoint("10.1.0.2", "arith-2", true, false));
    await().until(() -> nodes(clone.services()).equals(List.of("tcp@10.1.0.2:8972")));
  }

  @Test
  void registriesMakeADiscoveryOfTheServiceFromItsAddressButNoPlugin() {
    arith(Map.of("rpcx.io/weight", "4"), endpoint("10.1.0.1", "arith-1", true, false));
    String url = "k8s://" + NS + "/arith:rpcx?server=" + api.url();
    try (ServiceDiscovery d = Registries.discovery(url, "/rpcx_test", "Arith");
        ServiceDiscovery template = Registries.template(url, "/rpcx_test")) {
      assertThat(d).isInstanceOf(KubernetesDiscovery.class);
      assertThat(nodes(d.services())).containsExactly("tcp@10.1.0.1:8972?weight=4");
      assertThat(nodes(template.services())).containsExactly("tcp@10.1.0.1:8972?weight=4");
    }
    assertThatThrownBy(() -> Registries.registerPlugin(url, "/rpcx_test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("discovery only");
  }

  @Test
  void badAddressesAreRefusedWithTheirReason() {
    for (String bad :
        List.of("k8s://shop", "k8s://shop/", "k8s://shop/a/b", "k8s://shop/a:", "k8s://a,b/c")) {
      assertThatThrownBy(() -> KubernetesDiscovery.builder().address(bad))
          .as(bad)
          .hasMessageContaining("expected k8s://namespace/service[:port]");
    }
    assertThatThrownBy(() -> KubernetesDiscovery.builder().address("k8s://shop/a?token=x"))
        .hasMessageContaining("unknown option 'token=x'");
    assertThatThrownBy(() -> KubernetesDiscovery.builder().address("dns://a:1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> KubernetesDiscovery.builder().namespace("x").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> KubernetesDiscovery.builder().port(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KubernetesDiscovery.builder().network("a@b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KubernetesDiscovery.builder().requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
