package io.jrpcx.registry.redis;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.RegistryProvider;
import java.util.Set;

/**
 * {@code redis://[:password@]h:p[/db]} (and {@code rediss://} for TLS) for {@link
 * io.jrpcx.registry.Registries}; found by {@link java.util.ServiceLoader}, not called directly.
 */
public final class RedisRegistryProvider implements RegistryProvider {
  /** For {@link java.util.ServiceLoader}. */
  public RedisRegistryProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss");
  }

  @Override
  public ServiceDiscovery discovery(RegistryAddress address, String basePath, String servicePath) {
    RedisDiscovery.Builder b =
        RedisDiscovery.builder().redisAddress(address.toString()).basePath(basePath);
    return servicePath == null ? b.build() : b.servicePath(servicePath).build();
  }

  @Override
  public AbstractRegisterPlugin registerPlugin(RegistryAddress address, String basePath) {
    return RedisRegisterPlugin.builder()
        .redisAddress(address.toString())
        .basePath(basePath)
        .build();
  }
}
