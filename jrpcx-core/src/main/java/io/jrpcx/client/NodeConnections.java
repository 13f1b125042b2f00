package io.jrpcx.client;

import io.jrpcx.ConnectionException;
import io.jrpcx.RpcException;
import io.jrpcx.client.breaker.Breaker;
import io.jrpcx.client.discovery.KVPair;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An XClient's connections: {@link ClientOptions#connectionsPerNode()} per node (one by default),
 * taken in turn, each dialed on first use and re-dialed lazily once dead, with concurrent dials of
 * one connection merged into one. Each node keeps its breaker across
 * re-dials, so a node that keeps failing stays shunned whatever connection it is on.
 */
final class NodeConnections implements AutoCloseable {
  private final ClientOptions options;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private volatile ClientPlugins plugins;
  private volatile boolean closed;

  NodeConnections(ClientOptions options, ClientPlugins plugins) {
    this.options = options;
    this.plugins = plugins;
  }

  /**
   * A usable connection to {@code key}, dialing it if needed; blocks while a dial is under way.
   *
   * @throws RpcException a {@link ConnectionException} when the node cannot be reached, a
   *     {@link io.jrpcx.BreakerOpenException} when its breaker is open
   */
  Client get(String key) {
    if (closed) {
      throw new ConnectionException(ConnectionException.SHUT_DOWN);
    }
    return nodes.computeIfAbsent(key, Node::new).get();
  }

  /** Forgets nodes no longer listed; their connections close once their calls have answered. */
  void retain(Collection<KVPair> listed) {
    Set<String> keys = new HashSet<>();
    for (KVPair p : listed) {
      keys.add(p.key());
    }
    nodes
        .entrySet()
        .removeIf(
            e -> {
              if (keys.contains(e.getKey())) {
                return false;
              }
              e.getValue().retire();
              return true;
            });
  }

  void usePlugins(ClientPlugins plugins) {
    this.plugins = plugins;
    for (Node n : nodes.values()) {
      n.usePlugins(plugins);
    }
  }

  /** The breaker of {@code key}, or null when the node has none yet (or breakers are off). */
  Breaker breaker(String key) {
    Node n = nodes.get(key);
    return n == null ? null : n.breaker;
  }

  /** Fails every call in flight with "connection is shut down" and closes every connection. */
  @Override
  public void close() {
    closed = true;
    for (Node n : nodes.values()) {
      n.close();
    }
    nodes.clear();
  }

  private final class Node {
    final String network;
    final String address;
    final Breaker breaker;

    /** One slot per connection ({@link ClientOptions#connectionsPerNode()}), all under this. */
    private final Client[] clients;

    private final CompletableFuture<?>[] dialing;
    private int next;
    private boolean retired;

    Node(String key) {
      KVPair pair = new KVPair(key, "");
      this.network = pair.network();
      this.address = pair.address();
      this.breaker = options.breakerFactory() == null ? null : options.breakerFactory().get();
      this.clients = new Client[options.connectionsPerNode()];
      this.dialing = new CompletableFuture<?>[clients.length];
    }

    /** The connection of the next slot in turn, dialing it if needed. */
    @SuppressWarnings("unchecked")
    Client get() {
      CompletableFuture<Client> dial;
      boolean mine = false;
      Client dead = null;
      int slot;
      synchronized (this) {
        if (retired) {
          throw new ConnectionException(
              ConnectionException.SHUT_DOWN + ": " + network + "@" + address + " left the list");
        }
        slot = next;
        next = slot + 1 == clients.length ? 0 : slot + 1;
        Client client = clients[slot];
        if (client != null) {
          if (client.isUsable()) {
            return client;
          }
          dead = client;
          clients[slot] = null;
        }
        if (dialing[slot] == null) {
          dialing[slot] = new CompletableFuture<Client>();
          mine = true;
        }
        dial = (CompletableFuture<Client>) dialing[slot];
      }
      if (dead != null) {
        dead.close();
      }
      if (mine) {
        dial(slot, dial);
      }
      try {
        return dial.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RpcException) {
          // A fresh exception per caller, so each stack trace shows its own call.
          RpcException cause = (RpcException) e.getCause();
          throw cause instanceof io.jrpcx.BreakerOpenException
              ? new io.jrpcx.BreakerOpenException(cause.getMessage())
              : new ConnectionException(cause.getMessage(), cause);
        }
        throw new ConnectionException(
            "dial " + network + " " + address + " failed: " + e.getCause(), e.getCause());
      }
    }

    private void dial(int slot, CompletableFuture<Client> dial) {
      Client c = new Client(options, breaker, plugins);
      try {
        c.connect(network, address);
      } catch (RuntimeException e) {
        synchronized (this) {
          dialing[slot] = null;
        }
        dial.completeExceptionally(e);
        return;
      }
      boolean keep;
      synchronized (this) {
        dialing[slot] = null;
        keep = !retired;
        if (keep) {
          clients[slot] = c;
        }
      }
      if (!keep) {
        c.close();
        dial.completeExceptionally(
            new ConnectionException(
                ConnectionException.SHUT_DOWN + ": " + network + "@" + address + " left the list"));
        return;
      }
      dial.complete(c);
    }

    void usePlugins(ClientPlugins plugins) {
      Client[] cs;
      synchronized (this) {
        cs = clients.clone();
      }
      for (Client c : cs) {
        if (c != null) {
          c.usePlugins(plugins);
        }
      }
    }

    /** The node left the list: no new calls; its connections close once their calls answered. */
    void retire() {
      for (Client c : detach()) {
        if (c != null) {
          c.closeWhenIdle();
        }
      }
    }

    void close() {
      for (Client c : detach()) {
        if (c != null) {
          c.close();
        }
      }
    }

    private synchronized Client[] detach() {
      retired = true;
      Client[] cs = clients.clone();
      java.util.Arrays.fill(clients, null);
      return cs;
    }
  }
}
