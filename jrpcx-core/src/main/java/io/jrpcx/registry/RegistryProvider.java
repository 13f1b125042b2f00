package io.jrpcx.registry;

import io.jrpcx.client.discovery.ServiceDiscovery;
import java.util.Set;

/**
 * What a registry module offers {@link Registries}: its discovery and register plugin made from a
 * {@link RegistryAddress}. Each module declares one in
 * {@code META-INF/services/io.jrpcx.registry.RegistryProvider}; users call {@link Registries}, not
 * this.
 */
public interface RegistryProvider {
  /** The URL schemes this module answers to, e.g. {@code etcd}. */
  Set<String> schemes();

  /**
   * A discovery of {@code servicePath} under {@code basePath}, or a template (lists nothing, makes
   * one discovery per service with {@code clone}) when {@code servicePath} is null.
   *
   * @throws IllegalArgumentException when {@code address} does not suit this registry
   */
  ServiceDiscovery discovery(RegistryAddress address, String basePath, String servicePath);

  /**
   * A register plugin writing under {@code basePath} and registering the server's own address
   * once it listens; not started.
   *
   * @throws IllegalArgumentException when {@code address} does not suit this registry, or the
   *     registry is discovery only (DNS, Kubernetes)
   */
  AbstractRegisterPlugin registerPlugin(RegistryAddress address, String basePath);
}
