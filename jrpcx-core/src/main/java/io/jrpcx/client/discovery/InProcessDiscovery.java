package io.jrpcx.client.discovery;

import io.jrpcx.internal.NettyTransport;
import io.jrpcx.server.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The nodes of a service served by {@link Server}s in this JVM, called without a socket: each
 * server listens on the {@code inprocess} network (rpcx's {@code memu}), and calls go through
 * Netty's in-memory channels with the same frames, codecs and plugins as over TCP.
 *
 * <pre>{@code
 * Server server = Server.builder().build();
 * server.register("Arith", new Arith(), "");
 * server.start("inprocess", "arith-1");
 * XClient x = XClient.create("Arith", FailMode.FAILFAST, SelectMode.RANDOM_SELECT,
 *     new InProcessDiscovery("Arith", server), ClientOptions.DEFAULT);
 * }</pre>
 *
 * <p>The node key is {@code inprocess@<name>} and its value the metadata the service was
 * registered with; servers that do not serve the service are left out. The list is read when the
 * discovery is made and again on {@link #refresh()}, which tells watchers what changed.
 */
public final class InProcessDiscovery extends AbstractServiceDiscovery {
  private final String servicePath;
  private final List<Server> servers;

  /**
   * Nodes of {@code servicePath} among {@code servers}.
   *
   * @throws IllegalArgumentException when a server is not listening on the {@code inprocess}
   *     network
   */
  public InProcessDiscovery(String servicePath, Server... servers) {
    this(servicePath, List.of(servers));
  }

  private InProcessDiscovery(String servicePath, List<Server> servers) {
    this.servicePath = Objects.requireNonNull(servicePath, "servicePath");
    for (Server s : servers) {
      if (!NettyTransport.IN_PROCESS.equals(s.network())) {
        throw new IllegalArgumentException(
            "server "
                + s.address()
                + " is not listening on the "
                + NettyTransport.IN_PROCESS
                + " network; start it with start(\""
                + NettyTransport.IN_PROCESS
                + "\", name)");
      }
    }
    this.servers = List.copyOf(servers);
    refresh();
  }

  /** Reads the servers' services again and tells watchers when the node list changed. */
  public void refresh() {
    List<KVPair> nodes = new ArrayList<>();
    for (Server s : servers) {
      String metadata = s.metadata(servicePath);
      String address = s.address();
      if (metadata != null && address != null) {
        nodes.add(new KVPair(NettyTransport.IN_PROCESS + "@" + address, metadata));
      }
    }
    publish(nodes);
  }

  @Override
  public ServiceDiscovery clone(String servicePath) {
    return new InProcessDiscovery(servicePath, servers);
  }
}
