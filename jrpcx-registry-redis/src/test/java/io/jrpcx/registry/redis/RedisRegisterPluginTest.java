package io.jrpcx.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the plugin leaves in a real Redis, compared key by key and value by value with the layout
 * of spec §3.11 as Go's libkv redis store writes it.
 */
class RedisRegisterPluginTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  private static final String ADDRESS = "tcp@10.0.0.5:8972";
  private static final String BASE = "//rpcx_test";
  private static final String DIR = "//rpcx_test/Arith";
  private static final String LEAF = "//rpcx_test/Arith/tcp@10.0.0.5:8972";

  /** Go's json.Marshal of libkv's KVPair, with LastIndex left open. */
  private static final Pattern ENVELOPE =
      Pattern.compile("\\{\"Key\":\"([^\"]*)\",\"Value\":\"([^\"]*)\",\"LastIndex\":(\\d+)\\}");

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private RedisRegisterPlugin plugin(String basePath, Duration updateInterval) {
    RedisRegisterPlugin p =
        RedisRegisterPlugin.builder()
            .redisAddress(redis.address())
            .serviceAddress(ADDRESS)
            .basePath(basePath)
            .updateInterval(updateInterval)
            .build();
    closeables.add(p);
    return p;
  }

  /** A server that only registers: its address is the spec's 10.0.0.5, never bound here. */
  private Server serverWith(RedisRegisterPlugin p) {
    Server s = Server.builder().plugin(p).build();
    closeables.add(0, s);
    return s;
  }

  @Test
  void writesTheBasePathTheServiceDirAndAnExpiringLeafExactlyAsGoLibkvDoes() {
    RedisRegisterPlugin p = plugin("/rpcx_test", Duration.ofSeconds(30));
    p.start();
    serverWith(p).register("Arith", new ArithService(), "weight=10&group=g1");
    RedisCommands<String, String> c = redis.commands();

    assertThat(c.keys("*")).containsExactlyInAnyOrder(BASE, DIR, LEAF);
    assertThat(c.get(BASE))
        .matches(
            "\\{\"Key\":\"/rpcx_test\",\"Value\":\"cnBjeF9wYXRo\"," + "\"LastIndex\":\\d{1,9}\\}");
    assertThat(c.get(DIR))
        .matches(
            "\\{\"Key\":\"/rpcx_test/Arith\",\"Value\":\"QXJpdGg=\","
                + "\"LastIndex\":\\d{1,9}\\}");
    assertThat(c.get(LEAF))
        .matches(
            "\\{\"Key\":\"/rpcx_test/Arith/tcp@10.0.0.5:8972\","
                + "\"Value\":\"d2VpZ2h0PTEwJmdyb3VwPWcx\",\"LastIndex\":\\d{1,9}\\}");
    assertThat(Libkv.decode(c.get(BASE)).value()).isEqualTo("rpcx_path");
    assertThat(Libkv.decode(c.get(DIR)).value()).isEqualTo("Arith");
    assertThat(Libkv.decode(c.get(LEAF)).value()).isEqualTo("weight=10&group=g1");

    // Directories never expire; the leaf expires after 2 x updateInterval.
    assertThat(c.pttl(BASE)).isEqualTo(-1);
    assertThat(c.pttl(DIR)).isEqualTo(-1);
    assertThat(c.pttl(LEAF)).isBetween(1L, 60_000L);
    assertThat(c.type(LEAF)).isEqualTo("string");
  }

  /**
   * Registering while the first connection is being set up must not wait for the connection
   * timeout: the setup (restoring what is registered) waits for the plugin's lock, which the
   * registration holds while it waits for the connection. It used to wait the whole timeout.
   */
  @Test
  @Timeout(20)
  void aRegistrationRightAfterStartDoesNotWaitOutTheConnectionTimeout() {
    for (int round = 0; round < 3; round++) { // each round races a fresh plugin's first connect
      RedisRegisterPlugin p =
          RedisRegisterPlugin.builder()
              .redisAddress(redis.address())
              .serviceAddress(ADDRESS)
              .basePath("/round" + round)
              .timeout(Duration.ofSeconds(60))
              .build();
      closeables.add(p);
      p.start();
      serverWith(p).register("Arith", new ArithService(), "weight=" + round);
      String leaf = "//round" + round + "/Arith/" + ADDRESS;
      assertThat(Libkv.decode(redis.commands().get(leaf)).value()).isEqualTo("weight=" + round);
    }
  }

  @Test
  void aBasePathWithoutLeadingSlashGivesSingleSlashKeys() {
    RedisRegisterPlugin p = plugin("rpcx_test", Duration.ofSeconds(30));
    serverWith(p).register("Arith", new ArithService(), "weight=10&group=g1");

    RedisCommands<String, String> c = redis.commands();
    assertThat(c.keys("*"))
        .containsExactlyInAnyOrder(
            "/rpcx_test", "/rpcx_test/Arith", "/rpcx_test/Arith/tcp@10.0.0.5:8972");
    assertThat(Libkv.decode(c.get("/rpcx_test/Arith/tcp@10.0.0.5:8972")).key())
        .isEqualTo("rpcx_test/Arith/tcp@10.0.0.5:8972");
  }

  @Test
  void theUpdateLoopAddsCallsAndConnectionsAndKeepsRenewingTheLeaf() {
    RedisRegisterPlugin p = plugin("/rpcx_test", Duration.ofSeconds(1));
    p.start();
    serverWith(p).register("Arith", new ArithService(), "weight=10&group=g1");
    RedisCommands<String, String> c = redis.commands();

    // Three different writes seen, while the leaf (TTL 2 s) never went missing: each refresh
    // renewed it.
    Set<String> lastIndexes = new HashSet<>();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              String raw = c.get(LEAF);
              assertThat(raw).as("the leaf expired between refreshes").isNotNull();
              Matcher m = ENVELOPE.matcher(raw);
              assertThat(m.matches()).isTrue();
              lastIndexes.add(m.group(3));
              return lastIndexes.size() >= 3;
            });
    assertThat(Libkv.decode(c.get(LEAF)).value())
        .matches("calls=\\d+\\.\\d\\d&connections=\\d+\\.\\d\\d&group=g1&weight=10");
    assertThat(c.pttl(LEAF)).isBetween(1L, 2_000L);
    assertThat(c.pttl(DIR)).isEqualTo(-1);
  }

  @Test
  void theUpdateLoopKeepsMetadataAnOperatorChangedInRedis() {
    RedisRegisterPlugin p = plugin("/rpcx_test", Duration.ofSeconds(1));
    p.start();
    serverWith(p).register("Arith", new ArithService(), "weight=10&group=g1");
    RedisCommands<String, String> c = redis.commands();

    // An operator marks the node inactive, as with a Go admin tool: same key, same expiry.
    c.set(
        LEAF,
        Libkv.envelope("/rpcx_test/Arith/tcp@10.0.0.5:8972", "state=inactive&weight=10&group=g1"),
        SetArgs.Builder.keepttl());

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Libkv.decode(c.get(LEAF)).value())
                    .matches(
                        "calls=\\d+\\.\\d\\d&connections=\\d+\\.\\d\\d&group=g1&state=inactive&weight=10"));
  }

  @Test
  void aLeafThatDisappearedIsWrittenAgainWithItsDirectories() {
    RedisRegisterPlugin p = plugin("/rpcx_test", Duration.ofSeconds(1));
    p.start();
    serverWith(p).register("Arith", new ArithService(), "weight=10&group=g1");
    RedisCommands<String, String> c = redis.commands();

    c.flushall();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(c.keys("*")).containsExactlyInAnyOrder(BASE, DIR, LEAF));
    // As in Go, a re-created leaf carries the registered metadata; rates follow next tick.
    assertThat(Libkv.decode(c.get(LEAF)).value())
        .isIn("weight=10&group=g1", "calls=0.00&connections=0.00&group=g1&weight=10");
  }

  @Test
  void unregisteringRemovesTheLeafAndKeepsTheDirectories() {
    RedisRegisterPlugin p = plugin("/rpcx_test", Duration.ofSeconds(30));
    Server server = serverWith(p);
    server.register("Arith", new ArithService(), "weight=10&group=g1");
    server.register("Echo", new ArithService(), "");

    server.unregister("Arith");

    assertThat(redis.commands().keys("*"))
        .containsExactlyInAnyOrder(
            BASE, DIR, "//rpcx_test/Echo", "//rpcx_test/Echo/tcp@10.0.0.5:8972");
  }

  @Test
  void gracefulShutdownAndCloseRemoveEveryLeaf() {
    RedisRegisterPlugin p = plugin("/rpcx_test", Duration.ofSeconds(30));
    Server server = serverWith(p);
    server.register("Arith", new ArithService(), "weight=10&group=g1");
    server.register("Echo", new ArithService(), "");
    server.start("tcp", "127.0.0.1:0");

    server.shutdown(Duration.ofSeconds(5));
    assertThat(redis.commands().keys("*")).containsExactlyInAnyOrder(BASE, DIR, "//rpcx_test/Echo");

    RedisRegisterPlugin q = plugin("/rpcx_test", Duration.ofSeconds(30));
    serverWith(q).register("Arith", new ArithService(), "");
    q.close();
    assertThat(redis.commands().exists(LEAF)).isZero();
  }

  @Test
  void aZeroUpdateIntervalWritesALeafThatNeverExpires() {
    RedisRegisterPlugin p = plugin("/rpcx_test", Duration.ZERO);
    p.start();
    serverWith(p).register("Arith", new ArithService(), "weight=10&group=g1");

    assertThat(redis.commands().pttl(LEAF)).isEqualTo(-1);
  }
}
