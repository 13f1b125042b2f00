package io.jrpcx.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A registry named by one URL: the syntax the discovery factories, the register plugin builders,
 * {@link Registries} and the {@code jrpcx} command all take.
 *
 * <table>
 *   <caption>Registry addresses</caption>
 *   <tr><th>registry</th><th>address</th><th>default port</th></tr>
 *   <tr><td>ZooKeeper</td><td>{@code zookeeper://h:p[,h:p...]} or {@code zk://...}</td><td>2181</td></tr>
 *   <tr><td>etcd v3</td><td>{@code etcd://h:p[,h:p...]}</td><td>2379</td></tr>
 *   <tr><td>Consul</td><td>{@code consul://h:p}</td><td>8500</td></tr>
 *   <tr><td>Redis</td><td>{@code redis://[:password@]h:p[/db]}, {@code rediss://} for TLS</td><td>6379</td></tr>
 *   <tr><td>mDNS</td><td>{@code mdns://}, or {@code mdns://<interface address>}</td><td></td></tr>
 *   <tr><td>DNS (discovery only)</td><td>{@code dns://name:port} (A/AAAA), {@code dns://_rpcx._tcp.name} (SRV)</td><td></td></tr>
 *   <tr><td>Kubernetes (discovery only)</td><td>{@code k8s://namespace/service[:port]}</td><td></td></tr>
 * </table>
 *
 * <p>Hosts are kept as written ({@code [::1]:2379} for IPv6). A port left out is the registry's
 * default. Parsing is strict: an address a registry cannot use (a password for etcd, a database
 * for ZooKeeper, an empty host list) is refused with a message naming the address, rather than
 * ignored.
 */
public final class RegistryAddress {
  private final String text;
  private final String scheme;
  private final String userInfo;
  private final List<String> hosts;
  private final String path;
  private final String query;

  private RegistryAddress(
      String text, String scheme, String userInfo, List<String> hosts, String path, String query) {
    this.text = text;
    this.scheme = scheme;
    this.userInfo = userInfo;
    this.hosts = hosts;
    this.path = path;
    this.query = query;
  }

  /**
   * Parses {@code scheme://[userinfo@]host[:port][,host[:port]...][/path][?query]}.
   *
   * @throws IllegalArgumentException when {@code url} has no {@code scheme://}
   */
  public static RegistryAddress parse(String url) {
    String text = Objects.requireNonNull(url, "registry address").trim();
    int sep = text.indexOf("://");
    if (sep <= 0) {
      throw new IllegalArgumentException(
          "registry address '"
              + url
              + "' has no scheme; expected e.g. etcd://127.0.0.1:2379, zookeeper://h:p[,h:p], "
              + "consul://h:p, redis://h:p or mdns://");
    }
    String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
    String rest = text.substring(sep + 3);
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String userInfo = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
    }
    String path = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      path = rest.substring(slash);
      rest = rest.substring(0, slash);
    }
    List<String> hosts = new ArrayList<>();
    if (!rest.isEmpty()) {
      for (String h : rest.split(",", -1)) {
        if (h.isBlank()) {
          throw new IllegalArgumentException(
              "registry address '" + url + "' has an empty host in its host list");
        }
        hosts.add(h.trim());
      }
    }
    return new RegistryAddress(text, scheme, userInfo, List.copyOf(hosts), path, query);
  }

  /** Whether {@code text} is written as a registry URL ({@code scheme://...}). */
  public static boolean isUrl(String text) {
    return text != null && text.indexOf("://") > 0;
  }

  /** The scheme, lower case: {@code etcd}, {@code zookeeper}, {@code zk}, .... */
  public String scheme() {
    return scheme;
  }

  /** The hosts as written ({@code host} or {@code host:port}); empty for {@code mdns://}. */
  public List<String> hosts() {
    return hosts;
  }

  /** What stood before {@code @} ({@code :password} for Redis), or null. */
  public String userInfo() {
    return userInfo;
  }

  /** What followed the hosts, from its {@code /} ({@code /0} for a Redis database), or empty. */
  public String path() {
    return path;
  }

  /** What followed {@code ?}, or empty. */
  public String query() {
    return query;
  }

  /**
   * The hosts of a registry that takes nothing but a host list, each with {@code defaultPort}
   * when written without one.
   *
   * @param schemes the schemes this registry answers to, the first its main one
   * @throws IllegalArgumentException when the scheme is another registry's, or the address has
   *     no host, a user, a path or a query
   */
  public List<String> hostsFor(int defaultPort, String... schemes) {
    requireScheme(schemes);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException(
          "registry address '"
              + text
              + "' names no server; expected "
              + schemes[0]
              + "://host:port");
    }
    if (userInfo != null || !(path.isEmpty() || path.equals("/")) || !query.isEmpty()) {
      throw new IllegalArgumentException(
          "registry address '"
              + text
              + "': "
              + schemes[0]
              + ":// takes only host:port[,host:port...], no user, path or query");
    }
    List<String> out = new ArrayList<>(hosts.size());
    for (String h : hosts) {
      out.add(withPort(h, defaultPort));
    }
    return List.copyOf(out);
  }

  /**
   * The one host of a registry reached through a single server (Consul's agent), as {@link
   * #hostsFor} gives it.
   *
   * @throws IllegalArgumentException as {@link #hostsFor}, or when more than one host is named
   */
  public String hostFor(int defaultPort, String... schemes) {
    List<String> all = hostsFor(defaultPort, schemes);
    if (all.size() != 1) {
      throw new IllegalArgumentException(
          "registry address '"
              + text
              + "': "
              + schemes[0]
              + ":// is reached through one server, not "
              + all.size());
    }
    return all.get(0);
  }

  /**
   * Checks the scheme is one of {@code schemes}.
   *
   * @throws IllegalArgumentException naming the address and the schemes expected
   */
  public RegistryAddress requireScheme(String... schemes) {
    if (!Set.of(schemes).contains(scheme)) {
      throw new IllegalArgumentException(
          "registry address '"
              + text
              + "' is a "
              + scheme
              + ":// address; expected "
              + String.join(" or ", Arrays.stream(schemes).map(s -> s + "://").toList()));
    }
    return this;
  }

  /** {@code host} with {@code :defaultPort} unless it has a port; IPv6 must be bracketed. */
  static String withPort(String host, int defaultPort) {
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '[' in host '" + host + "'");
      }
      if (close == host.length() - 1) {
        return host + ":" + defaultPort;
      }
      checkPort(host, host.substring(close + 1));
      return host;
    }
    int colon = host.indexOf(':');
    if (colon < 0) {
      return host + ":" + defaultPort;
    }
    if (host.indexOf(':', colon + 1) >= 0) {
      throw new IllegalArgumentException(
          "host '" + host + "' looks like an IPv6 address: write it in brackets, [" + host + "]");
    }
    checkPort(host, host.substring(colon));
    return host;
  }

  private static void checkPort(String host, String colonPort) {
    String port = colonPort.startsWith(":") ? colonPort.substring(1) : "";
    if (port.isEmpty()
        || port.length() > 5
        || !port.chars().allMatch(Character::isDigit)
        || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("host '" + host + "' has no valid port");
    }
  }

  /** The address as given. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryAddress a && a.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
