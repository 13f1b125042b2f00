package io.jrpcx.cli;

import io.jrpcx.registry.RegistryAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.SortedMap;

/**
 * Reads every service under a base path from one kind of registry, in rpcx's layout for it.
 * One implementation per registry; {@link #open} picks it from the URL scheme.
 */
interface Registry extends AutoCloseable {

  /**
   * The services under {@code basePath}, spelled as the servers spell it.
   *
   * @throws CliException with {@link ExitCodes#UNREACHABLE} when the registry does not answer
   *     within the timeout given to {@link #open}
   */
  ServiceTable list(String basePath) throws Exception;

  /**
   * The nodes of {@code service} under {@code basePath}: node key to metadata. Discoveries without
   * a registry (DNS, Kubernetes) know no services and answer their nodes for every service.
   */
  default SortedMap<String, String> nodes(String basePath, String service) throws Exception {
    return list(basePath).services().getOrDefault(service, Collections.emptySortedMap());
  }

  @Override
  void close();

  /**
   * A registry client for {@code url}: {@code zookeeper://h:p[,h2:p2]}, {@code etcd://h:p[,...]},
   * {@code consul://h:p}, {@code redis://[:password@]h:p[/db]}, or, without a registry, {@code
   * dns://name:port} ({@link DnsRegistry}) or {@code k8s://namespace/service[:port]} ({@link
   * KubernetesRegistry}). Nothing is contacted until {@link #list}.
   */
  static Registry open(String url, Duration timeout) {
    RegistryAddress address;
    try {
      address = RegistryAddress.parse(url);
      return switch (address.scheme()) {
        case "zookeeper", "zk" ->
            new ZooKeeperRegistry(
                String.join(",", address.hostsFor(2181, "zookeeper", "zk")), timeout);
        case "etcd" -> new EtcdRegistry(String.join(",", address.hostsFor(2379, "etcd")), timeout);
        case "consul" -> new ConsulRegistry(address.hostFor(8500, "consul"), timeout);
        case "redis", "rediss" -> new RedisRegistry(url, timeout);
        case "dns" -> new DnsRegistry(url, timeout);
        case "mdns" -> new MdnsRegistry(url);
        case "k8s", "kubernetes" -> new KubernetesRegistry(url, timeout);
        default ->
            throw new CliException(
                ExitCodes.USAGE,
                "registry '"
                    + url
                    + "': unknown kind '"
                    + address.scheme()
                    + "'; use zookeeper://, etcd://, consul://, redis://, mdns://, dns:// or k8s://");
      };
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
  }

  /** The failure for a registry that did not answer. */
  static CliException unreachable(String what, Duration timeout, Throwable cause) {
    String why =
        cause == null
            ? "no answer within " + DurationConverter.format(timeout)
            : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new CliException(ExitCodes.UNREACHABLE, "cannot reach " + what + ": " + why, cause);
  }

  /** {@code path} without leading and trailing slashes: {@code /rpcx_test/} is {@code rpcx_test}. */
  static String trimSlashes(String path) {
    int from = 0;
    while (from < path.length() && path.charAt(from) == '/') {
      from++;
    }
    return trimTrailingSlashes(path.substring(from));
  }

  /** {@code path} without trailing slashes, but {@code /} stays. */
  static String trimTrailingSlashes(String path) {
    int to = path.length();
    while (to > 1 && path.charAt(to - 1) == '/') {
      to--;
    }
    return path.substring(0, to);
  }
}
