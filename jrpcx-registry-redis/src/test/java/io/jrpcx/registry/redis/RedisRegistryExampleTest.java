package io.jrpcx.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.OneClient;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The module README's example (jrpcx-registry-redis/README.md), as a user writes it: a server
 * registers in Redis, clients find it.
 */
class RedisRegistryExampleTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  @Test
  void aServerRegisteredInRedisIsCalledThroughAnXClientAndAOneClient() throws Exception {
    int port = RedisServer.freePort();
    String redisAddress = redis.address();

    // Server: register Arith in Redis under /rpcx_test.
    RedisRegisterPlugin registry =
        RedisRegisterPlugin.builder()
            .redisAddress(redisAddress)
            .serviceAddress("tcp@127.0.0.1:" + port)
            .basePath("/rpcx_test")
            .updateInterval(Duration.ofSeconds(10))
            .build();
    Server server = Server.builder().plugin(registry).build();
    registry.start();
    server.register("Arith", new ArithService(), "weight=10&group=g1");
    server.start("tcp", "127.0.0.1:" + port);

    // Client: find the Arith servers and call one.
    try (RedisDiscovery d = RedisDiscovery.create("/rpcx_test", "Arith", redisAddress);
        XClient x =
            XClient.create(
                "Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d, ClientOptions.DEFAULT)) {
      Reply r =
          x.call(
              Context.background().withTimeout(Duration.ofSeconds(5)),
              "Mul",
              new Args(7, 8),
              Reply.class);
      assertThat(r.C).isEqualTo(56);
    }

    // Many services through one client: a template, cloned per service.
    try (RedisDiscovery template = RedisDiscovery.template("/rpcx_test", redisAddress);
        OneClient one =
            OneClient.create(
                FailMode.FAILOVER, SelectMode.RANDOM_SELECT, template, ClientOptions.DEFAULT)) {
      Reply r =
          one.call(
              Context.background().withTimeout(Duration.ofSeconds(5)),
              "Arith",
              "Mul",
              new Args(6, 7),
              Reply.class);
      assertThat(r.C).isEqualTo(42);
    }

    // Shutdown: shutdown() removes the leaf before it drains; close() releases the client.
    server.shutdown(Duration.ofSeconds(10));
    registry.close();
    assertThat(redis.commands().exists("//rpcx_test/Arith/tcp@127.0.0.1:" + port)).isZero();
  }
}
