package io.jrpcx.registry.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the register plugin writes to Consul, key by key, against the spec's table (§3.11). */
class ConsulRegisterPluginTest {
  private static final String LEAF = "rpcx_test/Arith/tcp@10.0.0.5:8972";
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  private static ConsulRegisterPlugin.Builder plugin(ConsulStandIn consul) {
    return ConsulRegisterPlugin.builder()
        .consulAddress(consul.address())
        .serviceAddress("tcp@10.0.0.5:8972")
        .basePath("/rpcx_test");
  }

  private Server serverWith(ConsulRegisterPlugin p) {
    Server s = Server.builder().plugin(p).build();
    s.start("tcp", "127.0.0.1:0");
    closeables.add(s::close);
    return s;
  }

  /** Key -> [value, flags, session] from a raw recursive GET, in key order. */
  private static Map<String, JsonNode> byKey(JsonNode list) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    for (JsonNode n : list) {
      m.put(n.get("Key").asText(), n);
    }
    return m;
  }

  private static String value(JsonNode entry) {
    JsonNode v = entry.get("Value");
    return v.isNull() ? "" : new String(Base64.getDecoder().decode(v.asText()));
  }

  @Test
  void writesTheSpecLayoutWithLockFlagsAndOneDeleteSessionPerLockedKey() throws Exception {
    ConsulStandIn consul = closeLater(ConsulStandIn.start());
    RawConsul raw = new RawConsul(consul.address());
    // updateInterval 10 s: TTL = 10 s + 10 s, session TTL = TTL / 2 = 10 s, Consul's minimum.
    ConsulRegisterPlugin p =
        closeLater(plugin(consul).updateInterval(Duration.ofSeconds(10)).build());
    p.start();
    Server server = serverWith(p);
    server.register("Arith", new ArithService(), "weight=10&group=g1");

    Map<String, JsonNode> kv = byKey(raw.list("rpcx_test"));
    assertThat(kv.keySet()).containsExactly("rpcx_test", "rpcx_test/Arith", LEAF);
    assertThat(value(kv.get("rpcx_test"))).isEqualTo("rpcx_path");
    assertThat(value(kv.get("rpcx_test/Arith"))).isEqualTo("Arith");
    assertThat(value(kv.get(LEAF))).isEqualTo("weight=10&group=g1");
    for (JsonNode e : kv.values()) {
      assertThat(e.get("Flags").asText()).as(e.get("Key").asText()).isEqualTo(RawConsul.LOCK_FLAGS);
    }

    assertThat(kv.get("rpcx_test/Arith").has("Session")).as("the service key is plain").isFalse();
    String leafSession = kv.get(LEAF).get("Session").asText();
    String baseSession = kv.get("rpcx_test").get("Session").asText();
    assertThat(leafSession).isNotEmpty().isNotEqualTo(baseSession);
    assertThat(baseSession).isNotEmpty();
    assertThat(kv.get(LEAF).get("LockIndex").asLong()).isEqualTo(1);
    for (String id : List.of(leafSession, baseSession)) {
      JsonNode s = raw.session(id);
      assertThat(s.get("Behavior").asText()).isEqualTo("delete");
      assertThat(s.get("TTL").asText()).isEqualTo("10s");
      assertThat(s.get("LockDelay").asLong()).isEqualTo(Duration.ofMillis(1).toNanos());
    }

    // Graceful shutdown removes the leaf and its session; the directory keys stay.
    server.shutdown(Duration.ofSeconds(5));
    assertThat(consul.keys()).containsExactly("rpcx_test", "rpcx_test/Arith");
    assertThat(raw.session(leafSession)).isNull();
    p.close();
    assertThat(consul.sessionCount()).isZero();
  }

  @Test
  void sessionTtlIsHalfTheEntryTtlHeldWithinConsulLimits() {
    Duration floor = ConsulRegisterPlugin.CONSUL_MIN_SESSION_TTL;
    assertThat(ConsulRegisterPlugin.sessionTtl(Duration.ofSeconds(30), floor))
        .isEqualTo(Duration.ofSeconds(15));
    // Go passes 1 s straight to Consul, which refuses it (rpcx issue #589); here it is raised.
    assertThat(ConsulRegisterPlugin.sessionTtl(Duration.ofSeconds(2), floor))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(ConsulRegisterPlugin.sessionTtl(Duration.ofDays(4), floor))
        .isEqualTo(Duration.ofSeconds(86_400));
    // Building contacts nothing: the builder alone decides the TTL.
    ConsulRegisterPlugin.Builder b =
        ConsulRegisterPlugin.builder()
            .consulAddress("127.0.0.1:1")
            .serviceAddress("tcp@10.0.0.5:8972");
    assertThat(b.updateInterval(Duration.ofSeconds(1)).build().sessionTtl())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(
            b.updateInterval(Duration.ofSeconds(40))
                .expired(Duration.ofSeconds(20))
                .build()
                .sessionTtl())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(b.updateInterval(Duration.ZERO).expired(Duration.ZERO).build().sessionTtl())
        .isNull();
  }

  @Test
  void withoutUpdateIntervalTheEntriesArePlainKeysThatNeverExpire() throws Exception {
    ConsulStandIn consul = closeLater(ConsulStandIn.start());
    ConsulRegisterPlugin p = closeLater(plugin(consul).updateInterval(Duration.ZERO).build());
    p.start();
    serverWith(p).register("Arith", new ArithService(), "weight=10&group=g1");

    assertThat(consul.keys()).containsExactly("rpcx_test", "rpcx_test/Arith", LEAF);
    assertThat(consul.kv(LEAF).text()).isEqualTo("weight=10&group=g1");
    assertThat(consul.kv(LEAF).session()).isEmpty();
    assertThat(consul.kv("rpcx_test").session()).isEmpty();
    assertThat(consul.sessionCount()).isZero();
  }

  @Test
  void theUpdateLoopRenewsTheLeafSessionAndRefreshesRatesKeepingOtherMetadata() throws Exception {
    // Short TTLs need the stand-in's explicit test option; Consul's floor is 10 s.
    ConsulStandIn consul =
        closeLater(
            ConsulStandIn.start(new ConsulStandIn.Options().minSessionTtl(Duration.ofMillis(100))));
    RawConsul raw = new RawConsul(consul.address());
    ConsulRegisterPlugin p =
        closeLater(
            plugin(consul)
                .updateInterval(Duration.ofMillis(200))
                .minSessionTtl(Duration.ofMillis(100))
                .build());
    p.start();
    serverWith(p).register("Arith", new ArithService(), "weight=10&group=g1");
    String session = consul.kv(LEAF).session();

    // An operator marks the node inactive: the refresh keeps that and only adds the rates.
    raw.put(LEAF, "flags=" + RawConsul.LOCK_FLAGS, "weight=10&group=g1&state=inactive");
    long renewals = consul.renewals();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(consul.kv(LEAF).text())
                  .matches(
                      "calls=\\d+\\.\\d\\d&connections=\\d+\\.\\d\\d&group=g1&state=inactive&weight=10");
              assertThat(consul.renewals()).isGreaterThan(renewals + 2);
            });
    assertThat(consul.kv(LEAF).session()).isEqualTo(session);
    assertThat(consul.kv(LEAF).flags()).isEqualTo(ConsulHttp.LOCK_FLAG_VALUE);
  }
}
