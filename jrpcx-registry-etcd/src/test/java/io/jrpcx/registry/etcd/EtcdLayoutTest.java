package io.jrpcx.registry.etcd;

import static io.jrpcx.registry.etcd.Etcd.bytes;
import static io.jrpcx.registry.etcd.Etcd.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin writes exactly the keys, values and lease of Go rpcx's etcd v3 plugin (spec §3.11):
 * server {@code tcp@10.0.0.5:8972}, base path {@code /rpcx_test}, service {@code Arith}, metadata
 * {@code weight=10&group=g1}.
 */
class EtcdLayoutTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  private static final String ADDRESS = "tcp@10.0.0.5:8972";
  private static final String METADATA = "weight=10&group=g1";

  private EtcdRegisterPlugin.Builder plugin(String basePath) {
    return EtcdRegisterPlugin.builder()
        .endpoints(etcd.endpoint())
        .serviceAddress(ADDRESS)
        .basePath(basePath)
        .updateInterval(Duration.ZERO);
  }

  /** Every key under {@code prefix} with its value. */
  private static Map<String, String> values(List<KeyValue> kvs) {
    Map<String, String> out = new LinkedHashMap<>();
    kvs.forEach(kv -> out.put(string(kv.getKey()), string(kv.getValue())));
    return out;
  }

  private static List<KeyValue> under(String prefix) throws Exception {
    return etcd.client()
        .getKVClient()
        .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
        .get(10, TimeUnit.SECONDS)
        .getKvs();
  }

  private static LeaseTimeToLiveResponse lease(long id) throws Exception {
    return etcd.client()
        .getLeaseClient()
        .timeToLive(id, LeaseOption.builder().withAttachedKeys().build())
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void registerWritesGoRpcxsThreeKeysAllOnOneThirtySecondLease() throws Exception {
    EtcdRegisterPlugin p = plugin("/rpcx_test").build();
    Server server = Server.builder().plugin(p).build();
    long leaseId;
    try {
      server.register("Arith", new ArithService(), METADATA);

      List<KeyValue> kvs = under("/rpcx_test");
      assertThat(values(kvs))
          .containsExactly(
              Map.entry("/rpcx_test", "rpcx_path"),
              Map.entry("/rpcx_test/Arith", "Arith"),
              Map.entry("/rpcx_test/Arith/tcp@10.0.0.5:8972", "weight=10&group=g1"));
      long id = p.currentLease();
      leaseId = id;
      assertThat(id).isNotZero();
      assertThat(kvs).allSatisfy(kv -> assertThat(kv.getLease()).isEqualTo(id));
      LeaseTimeToLiveResponse lease = lease(id);
      assertThat(lease.getGrantedTTL()).isEqualTo(30);
      assertThat(lease.getTTL()).isBetween(1L, 30L);
      assertThat(lease.getKeys())
          .extracting(Etcd::string)
          .containsExactlyInAnyOrder(
              "/rpcx_test", "/rpcx_test/Arith", "/rpcx_test/Arith/tcp@10.0.0.5:8972");

      // Unregistering deletes the leaf only, as Go's Unregister does ...
      server.unregister("Arith");
      assertThat(values(under("/rpcx_test"))).containsOnlyKeys("/rpcx_test", "/rpcx_test/Arith");
    } finally {
      server.close();
      p.close();
    }
    // ... and closing the plugin revokes the lease, which takes the rest.
    assertThat(under("/rpcx_test")).isEmpty();
    assertThat(lease(leaseId).getTTL()).isEqualTo(-1);
  }

  @Test
  void basePathIsSpelledAsConfiguredAndTheLeaseTtlIsConfigurable() throws Exception {
    try (EtcdRegisterPlugin p = plugin("rpcx_noslash").leaseTtl(Duration.ofSeconds(5)).build()) {
      Server server = Server.builder().plugin(p).build();
      server.register("Arith", new ArithService(), METADATA);

      assertThat(values(under("rpcx_noslash")))
          .containsExactly(
              Map.entry("rpcx_noslash", "rpcx_path"),
              Map.entry("rpcx_noslash/Arith", "Arith"),
              Map.entry("rpcx_noslash/Arith/tcp@10.0.0.5:8972", "weight=10&group=g1"));
      assertThat(lease(p.currentLease()).getGrantedTTL()).isEqualTo(5);
      server.close();
    }
  }

  @Test
  void theUpdateLoopAddsCallsAndConnectionsEncodedAsGoEncodesThem() throws Exception {
    try (EtcdRegisterPlugin p =
        plugin("/refreshed").updateInterval(Duration.ofMillis(100)).build()) {
      p.start();
      Server server = Server.builder().plugin(p).build();
      server.register("Arith", new ArithService(), METADATA);

      String leaf = "/refreshed/Arith/tcp@10.0.0.5:8972";
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> values(under(leaf)).getOrDefault(leaf, "").startsWith("calls="));
      // Go's url.Values.Encode: keys sorted, rates with two decimals.
      assertThat(values(under(leaf)).get(leaf))
          .matches("calls=\\d+\\.\\d\\d&connections=\\d+\\.\\d\\d&group=g1&weight=10");
      assertThat(under("/refreshed"))
          .hasSize(3)
          .allSatisfy(kv -> assertThat(kv.getLease()).isEqualTo(p.currentLease()));
      server.close();
    }
  }

  /**
   * An operator's edit (a console setting {@code state}) that lands between the update loop's read
   * of the leaf and its write is read again, not overwritten with what the loop read before it.
   */
  @Test
  void anEditMadeWhileTheUpdateLoopRewritesTheLeafIsNeverLost() throws Exception {
    try (EtcdRegisterPlugin p = plugin("/edited").updateInterval(Duration.ofMillis(20)).build()) {
      p.start();
      Server server = Server.builder().plugin(p).build();
      server.register("Arith", new ArithService(), METADATA);
      String leaf = "/edited/Arith/tcp@10.0.0.5:8972";
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> values(under(leaf)).getOrDefault(leaf, "").startsWith("calls="));
      for (int round = 0; round < 100; round++) {
        String state = round % 2 == 0 ? "inactive" : "active";
        KeyValue before = under(leaf).get(0);
        long edited =
            etcd.client()
                .getKVClient()
                .put(
                    bytes(leaf),
                    bytes("group=g1&state=" + state + "&weight=10"),
                    PutOption.builder().withLeaseId(before.getLease()).build())
                .get(10, TimeUnit.SECONDS)
                .getHeader()
                .getRevision();
        // Two rewrites later, every rewrite has read the edit or was refused by it.
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(2))
            .until(() -> under(leaf).get(0).getModRevision() >= edited + 2);
        assertThat(string(under(leaf).get(0).getValue()))
            .as("round %d", round)
            .contains("state=" + state);
      }
      server.close();
    }
  }

  @Test
  void theUpdateLoopRecreatesADeletedLeaf() throws Exception {
    try (EtcdRegisterPlugin p =
        plugin("/recreated").updateInterval(Duration.ofMillis(100)).build()) {
      p.start();
      Server server = Server.builder().plugin(p).build();
      server.register("Arith", new ArithService(), METADATA);
      String leaf = "/recreated/Arith/tcp@10.0.0.5:8972";
      etcd.client().getKVClient().delete(bytes(leaf)).get(10, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(10)).until(() -> values(under(leaf)).containsKey(leaf));
      assertThat(under(leaf))
          .singleElement()
          .satisfies(kv -> assertThat(kv.getLease()).isEqualTo(p.currentLease()));
      server.close();
    }
  }
}
