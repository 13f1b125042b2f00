package io.jrpcx.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis restarts (empty: nothing is persisted) under a registered server and a watching client;
 * both find their way back without help.
 */
class RedisRestartTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  private static final KVPair NODE = new KVPair("tcp@127.0.0.1:8972", "weight=10");
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeAfter(T c) {
    closeables.add(0, c);
    return c;
  }

  /**
   * The update interval is long on purpose: what brings the entry back must be the reconnect,
   * not the next refresh tick.
   */
  private RedisRegisterPlugin plugin() {
    return closeAfter(
        RedisRegisterPlugin.builder()
            .redisAddress(redis.address())
            .serviceAddress(NODE.key())
            .updateInterval(Duration.ofSeconds(30))
            .build());
  }

  @Test
  void afterARedisRestartThePluginRegistersAgainAndTheDiscoveryListsAgain() throws Exception {
    RedisRegisterPlugin p = plugin();
    p.start();
    closeAfter(Server.builder().plugin(p).build())
        .register("Arith", new ArithService(), NODE.value());
    RedisDiscovery d = closeAfter(RedisDiscovery.create("/rpcx_test", "Arith", redis.address()));
    assertThat(d.services()).containsExactly(NODE);

    redis.stop();
    long restarted = System.nanoTime();
    redis.start();
    assertThat(redis.commands().keys("*")).isEmpty();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(redis.commands().exists("//rpcx_test/Arith/tcp@127.0.0.1:8972"))
                    .isOne());
    long registeredMs = (System.nanoTime() - restarted) / 1_000_000;
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(d.services()).containsExactly(NODE));
    System.out.printf(
        "Redis restart: leaf back after %d ms, discovery re-listed after %d ms%n",
        registeredMs, (System.nanoTime() - restarted) / 1_000_000);

    // The restarted Redis forgot notify-keyspace-events; the discovery turns it on again when it
    // reconnects (its jittered back-off may let the plugin come back first, and the list above
    // is the one it kept), so a metadata-only change is still seen.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        redis
                            .commands()
                            .configGet("notify-keyspace-events")
                            .get("notify-keyspace-events"))
                    .contains("K", "E", "A"));
    redis
        .commands()
        .set(
            "//rpcx_test/Arith/tcp@127.0.0.1:8972",
            Libkv.envelope("/rpcx_test/Arith/tcp@127.0.0.1:8972", "weight=20"),
            SetArgs.Builder.keepttl());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(d.services()).containsExactly(new KVPair(NODE.key(), "weight=20")));
  }

  @Test
  void aServerAndAClientStartedWhileRedisIsDownMeetOnceItIsUp() throws Exception {
    redis.stop();

    RedisDiscovery d = closeAfter(RedisDiscovery.create("/rpcx_test", "Arith", redis.address()));
    assertThat(d.services()).isEmpty();
    RedisRegisterPlugin p = plugin();
    p.start();
    Server server = closeAfter(Server.builder().plugin(p).build());
    assertThatThrownBy(() -> server.register("Arith", new ArithService(), NODE.value()))
        .hasMessageContaining("registry plugin failed");

    redis.start();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(d.services()).containsExactly(NODE));
  }
}
