package io.jrpcx.registry.mdns;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.RegistryProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * {@code mdns://[interface address][/domain]} for {@link io.jrpcx.registry.Registries}: {@code
 * mdns://} announces and browses {@code local.} on the default interface, {@code
 * mdns://192.168.1.5} on that address's interface. rpcx's mDNS layout has no base path, so the base
 * path given is not used. Found by {@link java.util.ServiceLoader}, not called directly.
 */
public final class MdnsRegistryProvider implements RegistryProvider {
  /** For {@link java.util.ServiceLoader}. */
  public MdnsRegistryProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("mdns");
  }

  @Override
  public ServiceDiscovery discovery(RegistryAddress address, String basePath, String servicePath) {
    MdnsDiscovery.Builder b = MdnsDiscovery.builder();
    InetAddress bind = bindAddress(address);
    if (bind != null) {
      b.bindAddress(bind);
    }
    String domain = domain(address);
    if (domain != null) {
      b.domain(domain);
    }
    return servicePath == null ? b.build() : b.servicePath(servicePath).build();
  }

  @Override
  public AbstractRegisterPlugin registerPlugin(RegistryAddress address, String basePath) {
    MdnsRegisterPlugin.Builder b = MdnsRegisterPlugin.builder();
    InetAddress bind = bindAddress(address);
    if (bind != null) {
      b.bindAddress(bind);
    }
    String domain = domain(address);
    if (domain != null) {
      b.domain(domain);
    }
    return b.build();
  }

  /** The one interface address of {@code mdns://<address>}, or null for the default. */
  static InetAddress bindAddress(RegistryAddress address) {
    address.requireScheme("mdns");
    if (address.userInfo() != null || !address.query().isEmpty() || address.hosts().size() > 1) {
      throw new IllegalArgumentException(
          "registry address '"
              + address
              + "': mdns:// takes at most one interface address and a domain,"
              + " as mdns://192.168.1.5/local.");
    }
    if (address.hosts().isEmpty()) {
      return null;
    }
    String host = address.hosts().get(0);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "registry address '" + address + "': unknown interface address " + host, e);
    }
  }

  /** The domain of {@code mdns://.../<domain>}, or null for {@code local.}. */
  static String domain(RegistryAddress address) {
    String path = address.path();
    return path.length() <= 1 ? null : path.substring(1);
  }
}
