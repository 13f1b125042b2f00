package io.jrpcx.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.redis.RedisRegisterPlugin;
import io.jrpcx.registry.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's Redis reader and writer against a real Redis: the leaf keeps its TTL and libkv's
 * envelope as the register plugin writes it.
 */
class RedisStoreTest extends RegistryStoreContract {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  @Override
  String registryUrl() {
    return "redis://" + redis.address();
  }

  @Override
  AbstractRegisterPlugin plugin(String serviceAddress, String basePath) {
    RedisRegisterPlugin p =
        RedisRegisterPlugin.builder()
            .redisAddress(redis.address())
            .serviceAddress(serviceAddress)
            .basePath(basePath)
            .build();
    p.start();
    return p;
  }

  @Override
  String tie(String service, String node) throws Exception {
    RedisClient client = RedisClient.create("redis://" + redis.address());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      String key = "/" + BASE + "/" + service + "/" + node; // libkv prefixes one '/'
      JsonNode envelope = Views.JSON.readTree(c.sync().get(key));
      // the envelope names the key as the plugin was given it, as libkv writes it
      assertThat(envelope.path("Key").asText()).isEqualTo(BASE + "/" + service + "/" + node);
      assertThat(envelope.path("LastIndex").isIntegralNumber()).isTrue();
      return c.sync().ttl(key) > 0 ? "expires" : "none";
    } finally {
      client.shutdown();
    }
  }
}
