package io.jrpcx.registry.etcd;

import static io.jrpcx.registry.etcd.Etcd.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.KeyValue;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry goes away and comes back: the plugin writes its entries again under a new lease
 * and the discovery lists again and watches from the new revision.
 */
class EtcdRestartTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  private static final String NODE = "tcp@127.0.0.1:7001";
  private static final String OTHER = "tcp@127.0.0.1:7002";

  private static EtcdRegisterPlugin plugin(String basePath, Duration leaseTtl) {
    return EtcdRegisterPlugin.builder()
        .endpoints(etcd.endpoint())
        .serviceAddress(NODE)
        .basePath(basePath)
        .updateInterval(Duration.ZERO)
        .leaseTtl(leaseTtl)
        .requestTimeout(Duration.ofSeconds(1))
        .build();
  }

  private static KeyValue leaf(String basePath) throws Exception {
    List<KeyValue> kvs =
        etcd.client()
            .getKVClient()
            .get(bytes(basePath + "/Arith/" + NODE))
            .get(10, TimeUnit.SECONDS)
            .getKvs();
    return kvs.isEmpty() ? null : kvs.get(0);
  }

  /** What a second server writes, to see that the discovery still watches. */
  private static void putOther(String basePath) throws Exception {
    etcd.client()
        .getKVClient()
        .put(bytes(basePath + "/Arith/" + OTHER), bytes("weight=1"))
        .get(10, TimeUnit.SECONDS);
  }

  private static void awaitLeafOnLeaseOf(String basePath, EtcdRegisterPlugin p, long notLease) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              KeyValue kv = leaf(basePath);
              return kv != null && kv.getLease() != notLease && kv.getLease() == p.currentLease();
            });
  }

  @Test
  void aRevokedLeaseIsReplacedAndTheEntriesWrittenAgain() throws Exception {
    try (EtcdRegisterPlugin p = plugin("/revoked", Duration.ofSeconds(3));
        EtcdDiscovery d = EtcdDiscovery.create("/revoked", "Arith", etcd.endpoint())) {
      ListRecorder recorder = new ListRecorder();
      d.watch(recorder);
      Server server = Server.builder().plugin(p).build();
      server.register("Arith", new ArithService(), "weight=10");
      recorder.awaitUpdate(0, nodes -> nodes.size() == 1, Duration.ofSeconds(10));
      long first = p.currentLease();

      long revoked = System.nanoTime();
      etcd.client().getLeaseClient().revoke(first).get(10, TimeUnit.SECONDS);

      recorder.awaitUpdate(revoked, List::isEmpty, Duration.ofSeconds(10));
      awaitLeafOnLeaseOf("/revoked", p, first);
      recorder.awaitUpdate(
          revoked,
          nodes -> nodes.equals(List.of(new KVPair(NODE, "weight=10"))),
          Duration.ofSeconds(10));
      assertThat(
              etcd.client().getKVClient().get(bytes("/revoked")).get(10, TimeUnit.SECONDS).getKvs())
          .singleElement()
          .satisfies(kv -> assertThat(kv.getLease()).isEqualTo(p.currentLease()));
      server.close();
    }
  }

  @Test
  @Timeout(90)
  void afterAnOutageLongerThanTheLeaseTtlThePluginRegistersAgainAndTheDiscoveryStillWatches()
      throws Exception {
    try (EtcdRegisterPlugin p = plugin("/restarted", Duration.ofSeconds(2));
        EtcdDiscovery d = EtcdDiscovery.create("/restarted", "Arith", etcd.endpoint())) {
      Server server = Server.builder().plugin(p).build();
      server.register("Arith", new ArithService(), "weight=10");
      await().atMost(Duration.ofSeconds(10)).until(() -> d.services().size() == 1);
      long first = p.currentLease();

      etcd.stop();
      // jetcd gives the lease up once a whole TTL passed without a keep-alive answer.
      await().atMost(Duration.ofSeconds(20)).until(() -> p.currentLease() == 0);
      assertThat(d.services()).extracting(KVPair::key).containsExactly(NODE); // kept meanwhile
      etcd.start();

      awaitLeafOnLeaseOf("/restarted", p, first);
      putOther("/restarted");
      await().atMost(Duration.ofSeconds(40)).until(() -> d.services().size() == 2);
      assertThat(d.services()).extracting(KVPair::key).containsExactly(NODE, OTHER);
      server.close();
    }
  }

  @Test
  @Timeout(90)
  void anEtcdThatCameBackWithoutItsDataGetsTheEntriesAgainAndIsWatchedFromItsNewRevision()
      throws Exception {
    try (EtcdRegisterPlugin p = plugin("/wiped", Duration.ofSeconds(3));
        EtcdDiscovery d = EtcdDiscovery.create("/wiped", "Arith", etcd.endpoint())) {
      Server server = Server.builder().plugin(p).build();
      server.register("Arith", new ArithService(), "weight=10");
      // Push the revision up, so that a watch resumed from it would miss the new cluster's
      // first changes.
      for (int i = 0; i < 20; i++) {
        etcd.client().getKVClient().put(bytes("/noise"), bytes("v" + i)).get(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> d.services().size() == 1);
      long first = p.currentLease();

      etcd.stop();
      etcd.wipeData();
      etcd.start();

      awaitLeafOnLeaseOf("/wiped", p, first);
      putOther("/wiped");
      await().atMost(Duration.ofSeconds(40)).until(() -> d.services().size() == 2);
      assertThat(d.services()).extracting(KVPair::key).containsExactly(NODE, OTHER);
      server.close();
    }
  }
}
