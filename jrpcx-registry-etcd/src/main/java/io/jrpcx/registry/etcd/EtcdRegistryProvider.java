package io.jrpcx.registry.etcd;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.RegistryProvider;
import java.util.Set;

/**
 * {@code etcd://h:p[,h:p]} for {@link io.jrpcx.registry.Registries}; found by {@link
 * java.util.ServiceLoader}, not called directly.
 */
public final class EtcdRegistryProvider implements RegistryProvider {
  /** For {@link java.util.ServiceLoader}. */
  public EtcdRegistryProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("etcd");
  }

  @Override
  public ServiceDiscovery discovery(RegistryAddress address, String basePath, String servicePath) {
    EtcdDiscovery.Builder b =
        EtcdDiscovery.builder().endpoints(address.toString()).basePath(basePath);
    return servicePath == null ? b.build() : b.servicePath(servicePath).build();
  }

  @Override
  public AbstractRegisterPlugin registerPlugin(RegistryAddress address, String basePath) {
    return EtcdRegisterPlugin.builder().endpoints(address.toString()).basePath(basePath).build();
  }
}
