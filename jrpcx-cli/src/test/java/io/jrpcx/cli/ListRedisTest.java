package io.jrpcx.cli;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.redis.RedisRegisterPlugin;
import io.jrpcx.registry.redis.RedisServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code jrpcx list} against a real Redis (Debian's redis-server; fails when it is missing). */
class ListRedisTest extends RegistryListContract {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  @Override
  String registryUrl() {
    return "redis://" + redis.address();
  }

  @Override
  String unreachableUrl() {
    return "redis://127.0.0.1:" + freePort();
  }

  @Override
  AbstractRegisterPlugin plugin(String serviceAddress, String basePath) {
    return RedisRegisterPlugin.builder()
        .redisAddress(redis.address())
        .serviceAddress(serviceAddress)
        .basePath(basePath)
        .build();
  }
}
