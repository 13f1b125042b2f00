package io.jrpcx.client.discovery;

import java.util.List;

/**
 * A discovery of exactly one server that never changes, rpcx's {@code Peer2PeerDiscovery}: the
 * simplest way to point an {@link io.jrpcx.client.XClient} at a known address.
 *
 * <pre>{@code
 * ServiceDiscovery d = new Peer2PeerDiscovery("tcp@127.0.0.1:8972", "");
 * }</pre>
 *
 * <p>Watchers are accepted and called only when {@link #setFilter(java.util.function.Predicate)}
 * changes what is visible. {@link #clone(String)} returns another discovery of the same server,
 * whatever the service, because a peer-to-peer client calls every service on that one server.
 */
public final class Peer2PeerDiscovery extends AbstractServiceDiscovery {
  private final String server;
  private final String metadata;

  /**
   * Creates a discovery of one server.
   *
   * @param server the node key {@code network@address}, for example {@code tcp@127.0.0.1:8972} or
   *     {@code unix@/tmp/rpcx.sock}; a key without {@code @} means TCP
   * @param metadata the node's metadata as a URL query string, for example {@code weight=10}; null
   *     means none
   * @throws IllegalArgumentException if {@code server} is null or blank
   */
  public Peer2PeerDiscovery(String server, String metadata) {
    if (server == null || server.isBlank()) {
      throw new IllegalArgumentException(
          "server must be a node key such as tcp@127.0.0.1:8972, got "
              + (server == null ? "null" : "'" + server + "'"));
    }
    this.server = server;
    this.metadata = metadata == null ? "" : metadata;
    publish(List.of(new KVPair(this.server, this.metadata)));
  }

  /** A new discovery of the same server and metadata, with no filter and no watchers. */
  @Override
  public Peer2PeerDiscovery clone(String servicePath) {
    return new Peer2PeerDiscovery(server, metadata);
  }
}
