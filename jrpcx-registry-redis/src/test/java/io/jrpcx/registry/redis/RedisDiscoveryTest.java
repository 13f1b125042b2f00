package io.jrpcx.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The discovery against a real Redis holding what Go rpcx servers write. */
class RedisDiscoveryTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  private static final String NODE_A = "//rpcx_test/Arith/tcp@10.0.0.5:8972";
  private static final String NODE_B = "//rpcx_test/Arith/tcp@10.0.0.6:8972";

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

  private RedisDiscovery arith() {
    return closeAfter(RedisDiscovery.create("/rpcx_test", "Arith", redis.address()));
  }

  /**
   * Writes as a Go rpcx server with BasePath "/rpcx_test" and UpdateInterval 30 s does, through
   * libkv: the literal JSON Go's encoding/json produces, the leaf with go-redis' "EX 60".
   */
  private static void writeAsGo(RedisCommands<String, String> c) {
    c.set(
        "//rpcx_test",
        "{\"Key\":\"/rpcx_test\",\"Value\":\"cnBjeF9wYXRo\"," + "\"LastIndex\":123456789}");
    c.set(
        "//rpcx_test/Arith",
        "{\"Key\":\"/rpcx_test/Arith\",\"Value\":\"QXJpdGg=\"," + "\"LastIndex\":223456789}");
    c.set(
        NODE_B,
        "{\"Key\":\"/rpcx_test/Arith/tcp@10.0.0.6:8972\",\"Value\":\"d2VpZ2h0PTU=\","
            + "\"LastIndex\":323456789}",
        SetArgs.Builder.ex(60));
    c.set(
        NODE_A,
        "{\"Key\":\"/rpcx_test/Arith/tcp@10.0.0.5:8972\","
            + "\"Value\":\"d2VpZ2h0PTEwJmdyb3VwPWcx\",\"LastIndex\":423456789}",
        SetArgs.Builder.ex(60));
  }

  @Test
  void readsTheEntriesAGoRpcxServerWrites() {
    writeAsGo(redis.commands());

    RedisDiscovery d = arith();

    assertThat(d.services())
        .containsExactly(
            new KVPair("tcp@10.0.0.5:8972", "weight=10&group=g1"),
            new KVPair("tcp@10.0.0.6:8972", "weight=5"));
  }

  @Test
  void enablesKeyspaceNotificationsOnConnectAsLibkvDoes() {
    arith();

    String flags =
        redis.commands().configGet("notify-keyspace-events").get("notify-keyspace-events");
    assertThat(flags).contains("K", "E", "A");
  }

  @Test
  void ignoresTheDirectoriesOtherServicesSharingThePrefixAndOtherBasePaths() {
    RedisCommands<String, String> c = redis.commands();
    writeAsGo(c);
    c.set(
        "//rpcx_test/ArithV2/tcp@10.0.0.7:8972",
        Libkv.envelope("/rpcx_test/ArithV2/tcp@10.0.0.7:8972", "weight=1"));
    c.set("//other/Arith/tcp@10.0.0.8:8972", Libkv.envelope("/other/Arith/tcp@10.0.0.8:8972", ""));
    c.set("//rpcx_test/Arith/tcp@10.0.0.9:8972", "not an envelope");

    assertThat(arith().services())
        .extracting(KVPair::key)
        .containsExactly("tcp@10.0.0.5:8972", "tcp@10.0.0.6:8972");
  }

  @Test
  void keepsTheWholeRemainderOfTheKeySoUnixSocketPathsSurvive() {
    redis
        .commands()
        .set(
            "//rpcx_test/Arith/unix@/tmp/rpcx.sock",
            Libkv.envelope("/rpcx_test/Arith/unix@/tmp/rpcx.sock", "weight=3"));

    assertThat(arith().services()).containsExactly(new KVPair("unix@/tmp/rpcx.sock", "weight=3"));
  }

  @Test
  void seesMetadataOnlyChangesOfStateAndWeight() {
    RedisCommands<String, String> c = redis.commands();
    writeAsGo(c);
    RedisDiscovery d = arith();
    List<List<KVPair>> updates = new CopyOnWriteArrayList<>();
    d.watch(updates::add);

    c.set(
        NODE_A,
        Libkv.envelope("/rpcx_test/Arith/tcp@10.0.0.5:8972", "weight=20&group=g1"),
        SetArgs.Builder.keepttl());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(d.services())
                    .contains(new KVPair("tcp@10.0.0.5:8972", "weight=20&group=g1")));

    c.set(
        NODE_A,
        Libkv.envelope("/rpcx_test/Arith/tcp@10.0.0.5:8972", "state=inactive&weight=20&group=g1"),
        SetArgs.Builder.keepttl());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(d.services())
                    .contains(
                        new KVPair("tcp@10.0.0.5:8972", "state=inactive&weight=20&group=g1")));

    // Watchers got full lists, membership unchanged throughout.
    assertThat(updates)
        .isNotEmpty()
        .allSatisfy(
            list ->
                assertThat(list)
                    .extracting(KVPair::key)
                    .containsExactly("tcp@10.0.0.5:8972", "tcp@10.0.0.6:8972"));
  }

  @Test
  void seesLeavesExpireAndGetDeleted() {
    RedisCommands<String, String> c = redis.commands();
    writeAsGo(c);
    RedisDiscovery d = arith();
    assertThat(d.services()).hasSize(2);

    c.pexpire(NODE_B, 300);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(d.services())
                    .extracting(KVPair::key)
                    .containsExactly("tcp@10.0.0.5:8972"));

    c.del(NODE_A);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(d.services()).isEmpty());
  }

  @Test
  void startsEmptyAndSeesAServerRegisterLater() {
    RedisDiscovery d = arith();
    assertThat(d.services()).isEmpty();

    RedisRegisterPlugin p =
        closeAfter(
            RedisRegisterPlugin.builder()
                .redisAddress(redis.address())
                .serviceAddress("tcp@127.0.0.1:8972")
                .updateInterval(Duration.ofSeconds(30))
                .build());
    Server server = closeAfter(Server.builder().plugin(p).build());
    server.register("Arith", new ArithService(), "weight=7");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(d.services())
                    .containsExactly(new KVPair("tcp@127.0.0.1:8972", "weight=7")));
  }

  @Test
  void aTemplateListsNothingAndItsClonesFollowTheirOwnService() {
    RedisCommands<String, String> c = redis.commands();
    writeAsGo(c);
    c.set(
        "//rpcx_test/Echo/tcp@10.0.0.7:8972",
        Libkv.envelope("/rpcx_test/Echo/tcp@10.0.0.7:8972", "weight=1"));
    RedisDiscovery template = closeAfter(RedisDiscovery.template("/rpcx_test/", redis.address()));

    RedisDiscovery arith = closeAfter(template.clone("Arith"));
    RedisDiscovery echo = closeAfter(template.clone("Echo"));
    template.close();

    assertThat(template.services()).isEmpty();
    assertThat(arith.servicePath()).isEqualTo("Arith");
    assertThat(arith.basePath()).isEqualTo("/rpcx_test");
    assertThat(arith.services())
        .extracting(KVPair::key)
        .containsExactly("tcp@10.0.0.5:8972", "tcp@10.0.0.6:8972");
    assertThat(echo.services()).containsExactly(new KVPair("tcp@10.0.0.7:8972", "weight=1"));

    // The clones outlive the template that made them.
    c.del(NODE_B);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(arith.services())
                    .extracting(KVPair::key)
                    .containsExactly("tcp@10.0.0.5:8972"));
  }

  @Test
  void aClosedDiscoveryStopsFollowingRedis() {
    RedisCommands<String, String> c = redis.commands();
    writeAsGo(c);
    RedisDiscovery d = arith();
    RedisDiscovery other = arith();
    d.close();

    c.del(NODE_B);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(other.services()).hasSize(1));
    assertThat(d.services()).hasSize(2);
  }
}
