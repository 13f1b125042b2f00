package io.jrpcx.registry.etcd;

import static io.jrpcx.registry.etcd.Etcd.bytes;
import static io.jrpcx.registry.etcd.Etcd.string;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.PutOption;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator edits a node's metadata in etcd ({@code state=inactive}, then a new weight) and
 * nothing else changes: the discovery sees it, where Go's ZooKeeper discovery would not, and the
 * plugin's update loop keeps the edit while it refreshes the rates, as Go's does.
 */
class EtcdMetadataChangeTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  private static final String LEAF = "/meta/Arith/tcp@10.0.0.5:8972";

  private static KeyValue leaf() throws Exception {
    List<KeyValue> kvs =
        etcd.client().getKVClient().get(bytes(LEAF)).get(10, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? null : kvs.get(0);
  }

  /** Rewrites the leaf as an operator tool would, keeping it on the server's lease. */
  private static long edit(String value) throws Exception {
    KeyValue current = leaf();
    PutResponse r =
        etcd.client()
            .getKVClient()
            .put(
                bytes(LEAF),
                bytes(value),
                PutOption.builder().withLeaseId(current.getLease()).build())
            .get(10, TimeUnit.SECONDS);
    return r.getHeader().getRevision();
  }

  @Test
  void stateInactiveAndANewWeightReachTheClientAndSurviveTheUpdateLoop() throws Exception {
    try (EtcdRegisterPlugin plugin =
            EtcdRegisterPlugin.builder()
                .endpoints(etcd.endpoint())
                .serviceAddress("tcp@10.0.0.5:8972")
                .basePath("/meta")
                .updateInterval(Duration.ofMillis(200))
                .build();
        EtcdDiscovery discovery = EtcdDiscovery.create("/meta", "Arith", etcd.endpoint());
        XClient x =
            XClient.create(
                "Arith",
                FailMode.FAILOVER,
                SelectMode.WEIGHTED_ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT)) {
      ListRecorder recorder = new ListRecorder();
      discovery.watch(recorder);
      plugin.start();
      Server server = Server.builder().plugin(plugin).build();
      server.register("Arith", new ArithService(), "weight=10");
      recorder.awaitUpdate(0, nodes -> nodes.size() == 1, Duration.ofSeconds(10));
      assertThat(x.servers()).hasSize(1);

      long before = System.nanoTime();
      long revision = edit(string(leaf().getValue()) + "&state=inactive");
      recorder.awaitUpdate(
          before,
          nodes -> nodes.size() == 1 && "inactive".equals(nodes.get(0).metadata("state")),
          Duration.ofSeconds(10));
      assertThat(x.servers()).isEmpty(); // the XClient drops inactive nodes

      // The plugin's next refresh rewrites the rates and keeps the operator's state.
      awaitRefreshAfter(revision);
      assertThat(string(leaf().getValue())).contains("state=inactive").contains("calls=");
      assertThat(leaf().getLease()).isEqualTo(plugin.currentLease());
      assertThat(x.servers()).isEmpty();

      before = System.nanoTime();
      edit("weight=3");
      recorder.awaitUpdate(
          before,
          nodes -> nodes.size() == 1 && "3".equals(nodes.get(0).metadata("weight")),
          Duration.ofSeconds(10));
      assertThat(x.servers()).extracting(KVPair::key).containsExactly("tcp@10.0.0.5:8972");
      server.close();
    }
  }

  private static void awaitRefreshAfter(long revision) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> leaf().getModRevision() > revision);
  }
}
