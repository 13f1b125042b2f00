package io.jrpcx.registry.zookeeper;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.RegistryProvider;
import java.util.Set;

/**
 * {@code zookeeper://h:p[,h:p]} (or {@code zk://}) for {@link io.jrpcx.registry.Registries}; found
 * by {@link java.util.ServiceLoader}, not called directly.
 */
public final class ZooKeeperRegistryProvider implements RegistryProvider {
  /** For {@link java.util.ServiceLoader}. */
  public ZooKeeperRegistryProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("zookeeper", "zk");
  }

  @Override
  public ServiceDiscovery discovery(RegistryAddress address, String basePath, String servicePath) {
    ZooKeeperDiscovery.Builder b =
        ZooKeeperDiscovery.builder().zkServers(address.toString()).basePath(basePath);
    return servicePath == null ? b.build() : b.servicePath(servicePath).build();
  }

  @Override
  public AbstractRegisterPlugin registerPlugin(RegistryAddress address, String basePath) {
    return ZooKeeperRegisterPlugin.builder()
        .zkServers(address.toString())
        .basePath(basePath)
        .build();
  }
}
