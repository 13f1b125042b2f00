package io.jrpcx.spring.boot;

import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.Registries;
import io.jrpcx.registry.RegistryAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link XClient}s configured under {@code jrpcx.clients}, by name: what {@link RpcxClient}
 * injects. Every client is made when this bean is, so a wrong discovery fails the start rather
 * than the first call; connections are dialled on first use. Closing it closes every client and
 * its discovery.
 */
public final class RpcxClients implements AutoCloseable {
  private final Map<String, Entry> clients;
  private final Map<String, Map<Class<?>, Object>> proxies = new ConcurrentHashMap<>();

  private record Entry(String service, XClient client, ServiceDiscovery discovery) {}

  /** Makes the clients of {@code properties}, each with {@code plugins}. */
  RpcxClients(JrpcxProperties properties, List<ClientPlugin> plugins) {
    Map<String, Entry> made = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, JrpcxProperties.Client> e : properties.clients().entrySet()) {
        made.put(e.getKey(), make(e.getKey(), e.getValue(), properties, plugins));
      }
    } catch (RuntimeException | Error e) {
      made.values().forEach(RpcxClients::close);
      throw e;
    }
    this.clients = Collections.unmodifiableMap(made);
  }

  private static Entry make(
      String name,
      JrpcxProperties.Client c,
      JrpcxProperties properties,
      List<ClientPlugin> plugins) {
    String service = c.service() == null || c.service().isBlank() ? name : c.service().trim();
    ClientOptions.Builder options = ClientOptions.DEFAULT.toBuilder();
    if (c.timeout() != null) {
      options.callTimeout(c.timeout());
    }
    if (c.serializeType() != null) {
      options.serializeType(JrpcxProperties.Client.serializeType(c.serializeType()));
    }
    if (c.retries() != null) {
      options.retries(c.retries());
    }
    if (c.group() != null && !c.group().isBlank()) {
      options.group(c.group().trim());
    }
    if (c.tls() != null) {
      options.tls(c.tls().clientConfig());
    }
    plugins.forEach(options::plugin);
    ServiceDiscovery discovery = discovery(name, c.discovery(), service, properties);
    try {
      XClient client =
          XClient.create(service, c.failMode(), c.selectMode(), discovery, options.build());
      return new Entry(service, client, discovery);
    } catch (RuntimeException | Error e) {
      discovery.close();
      throw e;
    }
  }

  /**
   * The discovery {@code jrpcx.clients.<name>.discovery} names: a registry URL, one address for
   * peer-to-peer, several for a fixed list, or nothing for {@code jrpcx.registry}.
   */
  static ServiceDiscovery discovery(
      String name, String discovery, String service, JrpcxProperties properties) {
    if (discovery == null || discovery.isBlank()) {
      String registry = properties.registryUrl();
      if (registry == null) {
        throw new IllegalStateException(
            "jrpcx.clients."
                + name
                + " has no discovery and no jrpcx.registry is configured: set jrpcx.clients."
                + name
                + ".discovery to server addresses (127.0.0.1:8972[,127.0.0.1:8973]) or a registry"
                + " URL (etcd://127.0.0.1:2379), or set jrpcx.registry.address");
      }
      return Registries.discovery(registry, properties.basePath(), service);
    }
    String d = discovery.trim();
    if (RegistryAddress.isUrl(d)) {
      return Registries.discovery(d, properties.basePath(), service);
    }
    List<KVPair> nodes = new ArrayList<>();
    for (String address : d.split(",")) {
      String a = address.trim();
      if (a.isEmpty()) {
        throw new IllegalStateException(
            "jrpcx.clients." + name + ".discovery '" + discovery + "' has an empty address");
      }
      nodes.add(new KVPair(a.contains("@") ? a : "tcp@" + a, ""));
    }
    return nodes.size() == 1
        ? new Peer2PeerDiscovery(nodes.get(0).key(), "")
        : new MultipleServersDiscovery(nodes);
  }

  /** The names of the configured clients, in configuration order. */
  public Set<String> names() {
    return clients.keySet();
  }

  /**
   * The client configured as {@code jrpcx.clients.<name>}.
   *
   * @throws IllegalArgumentException when there is none, naming those there are
   */
  public XClient client(String name) {
    return entry(name).client();
  }

  /** The service path the client {@code name} calls. */
  public String service(String name) {
    return entry(name).service();
  }

  /**
   * A typed proxy of {@code api} over the client {@code name} ({@link XClient#proxy}); one per
   * client and interface, shared.
   */
  public <I> I proxy(String name, Class<I> api) {
    XClient client = client(name);
    Object proxy =
        proxies
            .computeIfAbsent(name, n -> new ConcurrentHashMap<>())
            .computeIfAbsent(api, client::proxy);
    return api.cast(proxy);
  }

  /** The discovery of the client {@code name}, whose {@code lastError} the health check reads. */
  ServiceDiscovery discovery(String name) {
    return entry(name).discovery();
  }

  private Entry entry(String name) {
    Entry e = clients.get(name);
    if (e == null) {
      throw new IllegalArgumentException(
          "no jrpcx client '" + name + "' is configured; configured: " + clients.keySet());
    }
    return e;
  }

  /** Closes every client, then its discovery. */
  @Override
  public void close() {
    clients.values().forEach(RpcxClients::close);
  }

  private static void close(Entry e) {
    try {
      e.client().close();
    } finally {
      e.discovery().close();
    }
  }
}
