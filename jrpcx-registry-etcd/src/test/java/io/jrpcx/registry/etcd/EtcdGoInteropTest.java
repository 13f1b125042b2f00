package io.jrpcx.registry.etcd;

import static io.jrpcx.registry.etcd.Etcd.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.PutOption;
import io.jrpcx.client.discovery.KVPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The discovery reads what a Go rpcx server writes: the test writes the keys with a raw etcd
 * client exactly as Go's EtcdV3RegisterPlugin does (spec §3.11) and checks what comes out.
 */
class EtcdGoInteropTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  /** What a Go server at {@code address} registering {@code service} writes, on one lease. */
  private static void goServer(String basePath, String service, String address, String metadata)
      throws Exception {
    long lease = etcd.client().getLeaseClient().grant(30).get(10, TimeUnit.SECONDS).getID();
    PutOption withLease = PutOption.builder().withLeaseId(lease).build();
    KV kv = etcd.client().getKVClient();
    kv.put(bytes(basePath), bytes("rpcx_path"), withLease).get(10, TimeUnit.SECONDS);
    kv.put(bytes(basePath + "/" + service), bytes(service), withLease).get(10, TimeUnit.SECONDS);
    kv.put(bytes(basePath + "/" + service + "/" + address), bytes(metadata), withLease)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void nodesWrittenByGoServersAreListedWithKeyAndMetadata() throws Exception {
    goServer("/rpcx_test", "Arith", "tcp@10.0.0.6:8972", "weight=5");
    goServer("/rpcx_test", "Arith", "tcp@10.0.0.5:8972", "weight=10&group=g1");
    // Neighbours that share the prefix's spelling but are other services.
    goServer("/rpcx_test", "ArithV2", "tcp@10.0.0.9:8972", "");
    goServer("/rpcx_test", "Echo", "tcp@10.0.0.5:8972", "");

    try (EtcdDiscovery d = EtcdDiscovery.create("/rpcx_test", "Arith", etcd.endpoint())) {
      assertThat(d.services())
          .containsExactly(
              new KVPair("tcp@10.0.0.5:8972", "weight=10&group=g1"),
              new KVPair("tcp@10.0.0.6:8972", "weight=5"));
      assertThat(d.services().get(0).metadata("group")).isEqualTo("g1");
      assertThat(d.basePath()).isEqualTo("/rpcx_test");
      assertThat(d.servicePath()).isEqualTo("Arith");
    }
  }

  @Test
  void aDiscoveryStartedBeforeAnyServerSeesTheFirstOneArrive() throws Exception {
    try (EtcdDiscovery d = EtcdDiscovery.create("/late", "Arith", etcd.endpoint())) {
      ListRecorder recorder = new ListRecorder();
      d.watch(recorder);
      assertThat(d.services()).isEmpty();

      long before = System.nanoTime();
      goServer("/late", "Arith", "tcp@10.0.0.5:8972", "weight=10&group=g1");

      recorder.awaitUpdate(
          before,
          nodes -> nodes.equals(List.of(new KVPair("tcp@10.0.0.5:8972", "weight=10&group=g1"))),
          Duration.ofSeconds(10));
      assertThat(d.services()).extracting(KVPair::key).containsExactly("tcp@10.0.0.5:8972");
    }
  }

  @Test
  void aBasePathWithoutSlashAndUnixSocketAddressesAreReadAsGoSpellsThem() throws Exception {
    goServer("rpcx_noslash", "Echo", "unix@/tmp/echo.sock", "weight=2");

    try (EtcdDiscovery d = EtcdDiscovery.create("rpcx_noslash", "Echo", etcd.endpoint())) {
      // The node key is everything after the prefix, slashes included, as in Go.
      assertThat(d.services())
          .singleElement()
          .satisfies(
              n -> {
                assertThat(n.key()).isEqualTo("unix@/tmp/echo.sock");
                assertThat(n.network()).isEqualTo("unix");
                assertThat(n.address()).isEqualTo("/tmp/echo.sock");
                assertThat(n.value()).isEqualTo("weight=2");
              });
    }
    try (EtcdDiscovery slashed = EtcdDiscovery.create("/rpcx_noslash", "Echo", etcd.endpoint())) {
      assertThat(slashed.services()).isEmpty(); // etcd keys are raw strings: no normalising
    }
  }

  @Test
  void aTemplateListsNothingAndItsClonesFollowOneServiceEach() throws Exception {
    goServer("/templated", "Arith", "tcp@10.0.0.5:8972", "weight=1");
    goServer("/templated", "Echo", "tcp@10.0.0.7:8972", "weight=2");

    EtcdDiscovery template = EtcdDiscovery.template("/templated", etcd.endpoint());
    assertThat(template.services()).isEmpty();
    assertThat(template.servicePath()).isNull();
    EtcdDiscovery arith = template.clone("Arith");
    EtcdDiscovery echo = arith.clone("Echo");
    try {
      // The clones share the template's etcd client, which outlives the template.
      template.close();
      assertThatThrownBy(() -> template.clone("Other")).isInstanceOf(IllegalStateException.class);
      assertThat(arith.services()).containsExactly(new KVPair("tcp@10.0.0.5:8972", "weight=1"));
      assertThat(echo.services()).containsExactly(new KVPair("tcp@10.0.0.7:8972", "weight=2"));

      goServer("/templated", "Echo", "tcp@10.0.0.8:8972", "weight=3");
      await().atMost(Duration.ofSeconds(10)).until(() -> echo.services().size() == 2);
    } finally {
      arith.close();
      echo.close();
    }
  }
}
