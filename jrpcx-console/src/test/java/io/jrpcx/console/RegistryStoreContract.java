package io.jrpcx.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.GoQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the console's reader and writer must do against every registry it supports: read the
 * entries the registry module's own plugin wrote, and rewrite one node's metadata exactly as
 * rpcx-ui does while the entry stays tied to its server (lease, ephemeral owner, session, TTL).
 */
abstract class RegistryStoreContract {
  static final String BASE = "/console_store";
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** {@code kind://host:port} of the running registry. */
  abstract String registryUrl();

  /** The module's register plugin for {@code serviceAddress} under {@code basePath}, started. */
  abstract AbstractRegisterPlugin plugin(String serviceAddress, String basePath);

  /**
   * What ties the entry to its server, read from the registry directly: the etcd lease, the
   * ZooKeeper ephemeral owner, the Consul session, "expires" for a Redis key with a TTL; "none"
   * for an entry that would outlive its server.
   */
  abstract String tie(String service, String node) throws Exception;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private WritableStore store() {
    WritableStore store =
        (WritableStore) RegistryStore.open(registryUrl(), BASE, Duration.ofSeconds(5));
    toClose.add(store);
    return store;
  }

  private String register(String node, String service, String metadata) throws Exception {
    AbstractRegisterPlugin plugin = plugin(node, BASE);
    toClose.add(0, plugin);
    plugin.register(service, new Object(), metadata);
    return node;
  }

  @Test
  void readsWhatThePluginsWrote() throws Exception {
    String a = register("tcp@127.0.0.1:7001", "Arith", "weight=10&group=g1");
    String b = register("tcp@127.0.0.1:7002", "Arith", "");
    register("tcp@127.0.0.1:7003", "Echo", "state=inactive");
    WritableStore store = store();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.read().getOrDefault("Echo", new TreeMap<>()).size() == 1);
    SortedMap<String, SortedMap<String, String>> services = store.read();
    assertThat(services.keySet()).containsExactly("Arith", "Echo");
    assertThat(services.get("Arith").keySet()).containsExactly(a, b);
    // as registered, with the rates some plugins add at once
    assertThat(withoutRates(services.get("Arith").get(a))).isEqualTo("group=g1&weight=10");
    assertThat(withoutRates(services.get("Arith").get(b))).isEmpty();
    assertThat(withoutRates(services.get("Echo").get("tcp@127.0.0.1:7003")))
        .isEqualTo("state=inactive");
  }

  private static String rates(String metadata) {
    Map<String, List<String>> m = GoQuery.parse(metadata);
    return m.get("calls") + " " + m.get("connections");
  }

  /** {@code metadata} re-encoded without the rates a plugin publishes, for comparison. */
  static String withoutRates(String metadata) {
    Map<String, List<String>> m = new TreeMap<>(GoQuery.parse(metadata));
    m.remove("calls");
    m.remove("connections");
    return GoQuery.encode(m);
  }

  @Test
  void rewritesOneKeyKeepingTheOthersAndTheEntrysTieToItsServer() throws Exception {
    String a = register("tcp@127.0.0.1:7011", "Arith", "weight=10&group=g1&note=two%20words");
    WritableStore store = store();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.read().containsKey("Arith"));
    String tie = tie("Arith", a);
    assertThat(tie).isNotEqualTo("none");

    String before = store.read().get("Arith").get(a);
    String written = store.update("Arith", a, m -> Steering.withState(m, false));
    assertThat(withoutRates(written)).isEqualTo("group=g1&note=two+words&state=inactive&weight=10");
    assertThat(rates(written)).as("the published rates, kept").isEqualTo(rates(before));
    assertThat(written)
        .as("Go's encoding: keys sorted")
        .isEqualTo(GoQuery.encode(GoQuery.parse(written)));
    assertThat(store.read().get("Arith")).containsEntry(a, written);
    assertThat(tie("Arith", a)).isEqualTo(tie);

    String weighted = store.update("Arith", a, m -> Steering.withWeight(m, 3));
    assertThat(withoutRates(weighted)).isEqualTo("group=g1&note=two+words&state=inactive&weight=3");
    assertThat(tie("Arith", a)).isEqualTo(tie);
  }

  @Test
  void aNodeThatIsNotThereIsNotCreated() throws Exception {
    register("tcp@127.0.0.1:7021", "Arith", "");
    WritableStore store = store();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.read().containsKey("Arith"));
    assertThatThrownBy(
            () -> store.update("Arith", "tcp@127.0.0.1:1", m -> Steering.withState(m, false)))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageStartingWith("no node tcp@127.0.0.1:1 of Arith in ");
    assertThat(store.read().get("Arith")).doesNotContainKey("tcp@127.0.0.1:1");
  }
}
