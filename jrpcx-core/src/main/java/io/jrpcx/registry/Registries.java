package io.jrpcx.registry;

import io.jrpcx.client.discovery.ServiceDiscovery;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Discoveries and register plugins from a registry URL ({@link RegistryAddress}), so that a
 * registry is chosen by configuration, as in {@code jrpcx call --registry etcd://127.0.0.1:2379}:
 *
 * <pre>{@code
 * // server: registers tcp@<the address it got> under /rpcx_test once it listens
 * AbstractRegisterPlugin plugin = Registries.registerPlugin("etcd://127.0.0.1:2379", "/rpcx_test");
 * plugin.start();
 * Server server = Server.builder().plugin(plugin).build();
 *
 * // client
 * ServiceDiscovery d = Registries.discovery("etcd://127.0.0.1:2379", "/rpcx_test", "Arith");
 * }</pre>
 *
 * <p>The registry module must be on the class path (here {@code jrpcx-registry-etcd}); it is
 * found with {@link ServiceLoader} on every call, nothing is cached.
 */
public final class Registries {
  /** The module that serves each scheme jrpcx knows, for the error when it is missing. */
  private static final Map<String, String> MODULES =
      Map.of(
          "zookeeper", "jrpcx-registry-zookeeper",
          "zk", "jrpcx-registry-zookeeper",
          "etcd", "jrpcx-registry-etcd",
          "consul", "jrpcx-registry-consul",
          "redis", "jrpcx-registry-redis",
          "rediss", "jrpcx-registry-redis",
          "mdns", "jrpcx-registry-mdns",
          "dns", "jrpcx-discovery-dns",
          "k8s", "jrpcx-discovery-kubernetes");

  private Registries() {}

  /**
   * A discovery of {@code servicePath} under {@code basePath} in the registry at {@code address}.
   *
   * @throws IllegalArgumentException when the address is malformed or no module on the class path
   *     serves its scheme (the message names the module to add)
   */
  public static ServiceDiscovery discovery(String address, String basePath, String servicePath) {
    Objects.requireNonNull(servicePath, "servicePath");
    RegistryAddress a = RegistryAddress.parse(address);
    return provider(a).discovery(a, Objects.requireNonNull(basePath, "basePath"), servicePath);
  }

  /**
   * A template discovery under {@code basePath}: it lists nothing, and its {@code clone}s follow
   * one service each, as {@link io.jrpcx.client.OneClient} needs.
   */
  public static ServiceDiscovery template(String address, String basePath) {
    RegistryAddress a = RegistryAddress.parse(address);
    return provider(a).discovery(a, Objects.requireNonNull(basePath, "basePath"), null);
  }

  /**
   * A register plugin for the registry at {@code address}, writing under {@code basePath} the
   * address the server listens on; not started. Use the module's builder for anything more
   * (another service address, an update interval, timeouts).
   */
  public static AbstractRegisterPlugin registerPlugin(String address, String basePath) {
    RegistryAddress a = RegistryAddress.parse(address);
    return provider(a).registerPlugin(a, Objects.requireNonNull(basePath, "basePath"));
  }

  static RegistryProvider provider(RegistryAddress address) {
    TreeSet<String> known = new TreeSet<>();
    for (RegistryProvider p : providers()) {
      if (p.schemes().contains(address.scheme())) {
        return p;
      }
      known.addAll(p.schemes());
    }
    String module = MODULES.get(address.scheme());
    if (module != null) {
      throw new IllegalArgumentException(
          "registry address '"
              + address
              + "' needs io.jrpcx:"
              + module
              + " on the class path; it is not there");
    }
    throw new IllegalArgumentException(
        "registry address '"
            + address
            + "': unknown registry '"
            + address.scheme()
            + "'"
            + (known.isEmpty() ? "" : "; the class path has " + String.join(", ", known)));
  }

  private static Iterable<RegistryProvider> providers() {
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    return ServiceLoader.load(
        RegistryProvider.class, tccl != null ? tccl : Registries.class.getClassLoader());
  }
}
