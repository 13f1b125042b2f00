package io.jrpcx.spring.boot;

import io.jrpcx.TlsConfig;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.registry.RegistryAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code jrpcx.*} properties. Immutable; checked as they are bound, so a wrong value fails the
 * start with a message naming the property.
 *
 * <pre>{@code
 * jrpcx:
 *   server:
 *     address: 127.0.0.1:8972
 *   registry:
 *     address: etcd://127.0.0.1:2379     # or type: etcd + address: 127.0.0.1:2379
 *     base-path: /rpcx_test
 *   clients:
 *     arith:
 *       service: Arith
 *       fail-mode: failover
 *       discovery: 127.0.0.1:8972        # or a registry URL; empty: jrpcx.registry
 * }</pre>
 *
 * @param server the server serving the RpcxService beans; none without an address
 * @param registry the registry the server registers in and clients discover from by default
 * @param clients the clients RpcxClient injects, by name
 */
@ConfigurationProperties("jrpcx")
public record JrpcxProperties(Server server, Registry registry, Map<String, Client> clients) {

  /** The base path rpcx's examples register under. */
  static final String DEFAULT_BASE_PATH = "/rpcx_test";

  /** Copies the client map, keeping its order. */
  public JrpcxProperties {
    clients =
        clients == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(clients));
  }

  /** The registry URL, or null when no registry is configured. */
  String registryUrl() {
    return registry == null ? null : registry.url();
  }

  /** The base path under which services are registered and discovered. */
  String basePath() {
    return registry == null ? DEFAULT_BASE_PATH : registry.basePath();
  }

  /**
   * The jrpcx server.
   *
   * @param address where it listens, host:port (127.0.0.1:0 for a free port); the
   *     server is made only when this is set
   * @param network the network: tcp, tcp4, tcp6, unix, quic, kcp, ... (see docs/networks.md)
   * @param tls TLS: the server's certificate chain and key, and for mutual TLS the CA of clients
   */
  public record Server(String address, @DefaultValue("tcp") String network, Tls tls) {}

  /**
   * TLS key and trust material, PEM files ({@code TlsConfig}).
   *
   * @param cert the certificate chain this side presents (PEM); a server needs one
   * @param key the PKCS#8 private key of cert (PEM)
   * @param ca the certificates that may sign the peer's chain (PEM); a client without it trusts
   *     the JDK's CAs, a server with it can ask for client certificates
   * @param clientAuth server only: whether clients must present a certificate (none, optional,
   *     require)
   */
  public record Tls(Path cert, Path key, Path ca, TlsConfig.ClientAuth clientAuth) {
    /** Checks that the certificate and its key come together. */
    public Tls {
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException(
            "tls.cert and tls.key must be set together; only "
                + (cert == null ? "key" : "cert")
                + " is set");
      }
    }

    /** The server's TLS settings; reads and checks the files. */
    TlsConfig serverConfig() {
      if (cert == null) {
        throw new IllegalArgumentException(
            "jrpcx.server.tls needs cert and key: the server's certificate chain and private key");
      }
      TlsConfig.Builder b = TlsConfig.builder().keyManager(cert, key);
      if (ca != null) {
        b.trustManager(ca);
      }
      if (clientAuth != null) {
        b.clientAuth(clientAuth);
      }
      return b.build();
    }

    /** A client's TLS settings; reads and checks the files. */
    TlsConfig clientConfig() {
      TlsConfig.Builder b = TlsConfig.builder();
      if (cert != null) {
        b.keyManager(cert, key);
      }
      if (ca != null) {
        b.trustManager(ca);
      }
      return b.build();
    }
  }

  /**
   * The registry, written either as one URL in {@code address} ({@code etcd://127.0.0.1:2379}) or
   * as {@code type} plus a host list in {@code address}; both end up as the {@code
   * RegistryAddress} syntax {@code io.jrpcx.registry.Registries} takes. The registry's module
   * ({@code jrpcx-registry-etcd}, ...) must be on the class path.
   *
   * @param type zookeeper (or zk), etcd, consul, redis or mdns; may be left out when address
   *     is a URL
   * @param address host:port[,host:port], or a registry URL such as etcd://127.0.0.1:2379
   * @param basePath the prefix services are registered and looked up under
   */
  public record Registry(String type, String address, @DefaultValue("/rpcx_test") String basePath) {
    static final List<String> TYPES = List.of("zookeeper", "zk", "etcd", "consul", "redis", "mdns");
    private static final List<String> ZK_SCHEMES = List.of("zookeeper", "zk");

    /** Checks that type and address name one registry. */
    public Registry {
      url(type, address);
    }

    /** The registry URL, or null when neither type nor address is set. */
    String url() {
      return url(type, address);
    }

    private static String url(String type, String address) {
      boolean hasType = type != null && !type.isBlank();
      boolean hasAddress = address != null && !address.isBlank();
      if (hasType && !TYPES.contains(type.trim().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "jrpcx.registry.type '" + type + "' is not one of " + String.join(", ", TYPES));
      }
      if (hasAddress && RegistryAddress.isUrl(address)) {
        String scheme = RegistryAddress.parse(address).scheme();
        if (hasType && !sameRegistry(scheme, type.trim().toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException(
              "jrpcx.registry.type is '"
                  + type
                  + "' but jrpcx.registry.address '"
                  + address
                  + "' is a "
                  + scheme
                  + ":// address; set one of them");
        }
        return address.trim();
      }
      if (!hasType) {
        if (hasAddress) {
          throw new IllegalArgumentException(
              "jrpcx.registry.address '"
                  + address
                  + "' names no registry: write it as a URL (etcd://"
                  + address.trim()
                  + ") or set jrpcx.registry.type ("
                  + String.join(", ", TYPES)
                  + ")");
        }
        return null;
      }
      String t = type.trim().toLowerCase(Locale.ROOT);
      if (!hasAddress && !t.equals("mdns")) {
        throw new IllegalArgumentException(
            "jrpcx.registry.address is missing: jrpcx.registry.type="
                + t
                + " needs the registry's host:port (several comma-separated), or a URL such as "
                + t
                + "://127.0.0.1:"
                + defaultPort(t));
      }
      return t + "://" + (hasAddress ? address.trim() : "");
    }

    private static boolean sameRegistry(String scheme, String type) {
      return scheme.equals(type)
          || (ZK_SCHEMES.contains(scheme) && ZK_SCHEMES.contains(type))
          || (type.equals("redis") && scheme.equals("rediss"));
    }

    private static int defaultPort(String type) {
      switch (type) {
        case "etcd":
          return 2379;
        case "consul":
          return 8500;
        case "redis":
          return 6379;
        default:
          return 2181;
      }
    }
  }

  /**
   * One client: an {@code XClient} of one service.
   *
   * @param service the service path called; defaults to the client's name
   * @param failMode what a call does when a node fails in transport: failover, failfast, failtry,
   *     failbackup
   * @param selectMode how a node is picked: random-select, round-robin, weighted-round-robin,
   *     weighted-icmp, consistent-hash (closest and select-by-user need code, not properties)
   * @param discovery where the nodes come from: a registry URL (etcd://127.0.0.1:2379,
   *     with jrpcx.registry.base-path), server addresses (127.0.0.1:8972 or tcp@h:p;
   *     several comma-separated for a fixed list), or empty for jrpcx.registry
   * @param timeout the call timeout of calls without a deadline of their own
   * @param serializeType the codec of requests: msgpack, json, protobuf, thrift, raw, or the
   *     number
   * @param retries how many more attempts failover and failtry make
   * @param group call only nodes whose metadata has this group
   * @param tls TLS towards the servers: the CA that signs their certificates, and for mutual TLS
   *     this client's certificate and key
   */
  public record Client(
      String service,
      @DefaultValue("failtry") FailMode failMode,
      @DefaultValue("random-select") SelectMode selectMode,
      String discovery,
      Duration timeout,
      String serializeType,
      Integer retries,
      String group,
      Tls tls) {

    /** Checks the values that have no type of their own. */
    public Client {
      if (serializeType != null) {
        serializeType(serializeType);
      }
      if (retries != null && retries < 0) {
        throw new IllegalArgumentException("retries must not be negative, was " + retries);
      }
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      if (selectMode == SelectMode.CLOSEST || selectMode == SelectMode.SELECT_BY_USER) {
        throw new IllegalArgumentException(
            "select-mode "
                + selectMode
                + " needs code (XClient.configGeoSelector / setSelector), not a property");
      }
    }

    /** The serialize type number for a name or a number. */
    static int serializeType(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      switch (v) {
        case "raw":
        case "none":
          return SerializeType.NONE;
        case "json":
          return SerializeType.JSON;
        case "protobuf":
          return SerializeType.PROTOBUF;
        case "msgpack":
          return SerializeType.MSGPACK;
        case "thrift":
          return SerializeType.THRIFT;
        default:
          try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= SerializeType.MAX) {
              return n;
            }
          } catch (NumberFormatException e) {
            // not a number either: refused below with the names
          }
          throw new IllegalArgumentException(
              "serialize-type '"
                  + value
                  + "' is not one of msgpack, json, protobuf, thrift, raw or a number 0.."
                  + SerializeType.MAX);
      }
    }
  }
}
