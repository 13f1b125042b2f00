package io.jrpcx.discovery.kubernetes;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.RegistryProvider;
import java.util.Set;

/**
 * {@code k8s://namespace/service[:port]} for {@link io.jrpcx.registry.Registries}; found by {@link
 * java.util.ServiceLoader}, not called directly. A Kubernetes Service is not an rpcx service: every
 * discovery, template or not, follows the Service of the address (see {@link
 * KubernetesDiscovery.Builder#address}), and there is no register plugin.
 */
public final class KubernetesRegistryProvider implements RegistryProvider {
  /** For {@link java.util.ServiceLoader}. */
  public KubernetesRegistryProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("k8s", "kubernetes");
  }

  @Override
  public ServiceDiscovery discovery(RegistryAddress address, String basePath, String servicePath) {
    return KubernetesDiscovery.builder().address(address.toString()).build();
  }

  /**
   * @throws IllegalArgumentException always: servers are found as the Service's ready
   *     endpoints, not registered by jrpcx
   */
  @Override
  public AbstractRegisterPlugin registerPlugin(RegistryAddress address, String basePath) {
    throw new IllegalArgumentException(
        "registry address '"
            + address
            + "': Kubernetes is discovery only; servers are the Service's ready endpoints, with no"
            + " register plugin");
  }
}
