package io.jrpcx.registry.consul;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.RegistryProvider;
import java.util.Set;

/**
 * {@code consul://h:p} for {@link io.jrpcx.registry.Registries}; found by {@link
 * java.util.ServiceLoader}, not called directly.
 */
public final class ConsulRegistryProvider implements RegistryProvider {
  /** For {@link java.util.ServiceLoader}. */
  public ConsulRegistryProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("consul");
  }

  @Override
  public ServiceDiscovery discovery(RegistryAddress address, String basePath, String servicePath) {
    ConsulDiscovery.Builder b =
        ConsulDiscovery.builder().consulAddress(address.toString()).basePath(basePath);
    return servicePath == null ? b.build() : b.servicePath(servicePath).build();
  }

  @Override
  public AbstractRegisterPlugin registerPlugin(RegistryAddress address, String basePath) {
    return ConsulRegisterPlugin.builder()
        .consulAddress(address.toString())
        .basePath(basePath)
        .build();
  }
}
