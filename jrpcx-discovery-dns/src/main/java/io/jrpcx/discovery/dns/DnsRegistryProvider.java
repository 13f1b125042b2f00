package io.jrpcx.discovery.dns;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.RegistryProvider;
import java.util.Set;

/**
 * {@code dns://name:port} and {@code dns://_rpcx._tcp.name} for {@link
 * io.jrpcx.registry.Registries}; found by {@link java.util.ServiceLoader}, not called directly. DNS
 * knows no base path or service: every discovery, template or not, follows the name (see {@link
 * DnsDiscovery.Builder#address}), and there is no register plugin.
 */
public final class DnsRegistryProvider implements RegistryProvider {
  /** For {@link java.util.ServiceLoader}. */
  public DnsRegistryProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("dns");
  }

  @Override
  public ServiceDiscovery discovery(RegistryAddress address, String basePath, String servicePath) {
    return DnsDiscovery.builder().address(address.toString()).build();
  }

  /**
   * @throws IllegalArgumentException always: servers are found in DNS as the platform publishes
   *     them, not registered by jrpcx
   */
  @Override
  public AbstractRegisterPlugin registerPlugin(RegistryAddress address, String basePath) {
    throw new IllegalArgumentException(
        "registry address '"
            + address
            + "': DNS is discovery only; servers are found as DNS lists them, with no register"
            + " plugin");
  }
}
