package io.jrpcx.testing;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Several real jrpcx servers on loopback for one test, each serving {@code Arith} and a
 * {@link NodeService} named after the node, plus misbehaving nodes: one whose port refuses
 * connections and one that resets every connection as soon as a request arrives. Everything is
 * closed after the test.
 *
 * <pre>{@code
 * @RegisterExtension final TestCluster cluster = new TestCluster();
 * String a = cluster.start("a", "weight=5");
 * XClient x = XClient.create("Node", ..., cluster.discovery(), ClientOptions.DEFAULT);
 * }</pre>
 */
public final class TestCluster implements AfterEachCallback {
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, KVPair> listed = new LinkedHashMap<>();
  private final java.util.Set<String> refusingKeys = new java.util.HashSet<>();

  /** A server node; {@code key()} is its {@code tcp@host:port}. */
  public static final class Node {
    public final String name;
    public final Server server;
    public final NodeService service;

    Node(String name, Server server, NodeService service) {
      this.name = name;
      this.server = server;
      this.service = service;
    }

    public String key() {
      return "tcp@" + server.address();
    }
  }

  /** Starts node {@code name} with {@code metadata} and lists it; returns its key. */
  public String start(String name, String metadata) {
    return start(name, metadata, b -> {});
  }

  /** Starts node {@code name} with a server configured by {@code configure}. */
  public String start(String name, String metadata, Consumer<Server.Builder> configure) {
    return start(name, metadata, "127.0.0.1:0", configure);
  }

  /** Starts node {@code name} on {@code address}, e.g. to bring a stopped node back. */
  public String start(
      String name, String metadata, String address, Consumer<Server.Builder> configure) {
    Server server;
    NodeService service;
    do {
      Server.Builder b = Server.builder();
      configure.accept(b);
      server = b.build();
      service = new NodeService(name);
      server.register("Node", service, metadata);
      server.register("Arith", new ArithService(), metadata);
      server.start("tcp", address);
      // The kernel may hand a refusing node's freed port to this server; that node would then
      // answer instead of refusing.
    } while (address.endsWith(":0")
        && refusingKeys.contains("tcp@" + server.address())
        && closeQuietly(server));
    refusingKeys.remove("tcp@" + server.address()); // a refusing node brought up on its port
    Node node = new Node(name, server, service);
    nodes.put(name, node);
    listed.put(name, new KVPair(node.key(), metadata));
    return node.key();
  }

  private static boolean closeQuietly(Server server) {
    server.close();
    return true;
  }

  public Node node(String name) {
    return nodes.get(name);
  }

  /** The node whose key is {@code key}, or null. */
  public Node byKey(String key) {
    for (Node n : nodes.values()) {
      if (n.key().equals(key)) {
        return n;
      }
    }
    return null;
  }

  /** Closes node {@code name}'s server at once; it stays listed. */
  public void kill(String name) {
    nodes.get(name).server.close();
  }

  /** A listed node whose port refuses connections; returns its key. */
  public String refusing(String name) {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String key = "tcp@127.0.0.1:" + port;
    refusingKeys.add(key);
    listed.put(name, new KVPair(key, ""));
    return key;
  }

  /**
   * A listed node that accepts connections and resets each one (RST, not FIN) when the first
   * request bytes arrive; returns its key.
   */
  public String resetting(String name) {
    try {
      ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      closeables.add(ss);
      Thread t =
          new Thread(
              () -> {
                while (!ss.isClosed()) {
                  try {
                    Socket s = ss.accept();
                    Thread r = new Thread(() -> resetOnFirstBytes(s), "resetting-conn");
                    r.setDaemon(true);
                    r.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "resetting-node-" + name);
      t.setDaemon(true);
      t.start();
      String key = "tcp@127.0.0.1:" + ss.getLocalPort();
      listed.put(name, new KVPair(key, ""));
      return key;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void resetOnFirstBytes(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      if (in.read() >= 0) {
        s.setSoLinger(true, 0); // close with RST
      }
    } catch (IOException ignored) {
      // the client went away first
    }
  }

  /** Lists a node under {@code key} with {@code metadata} without starting anything. */
  public void list(String name, String key, String metadata) {
    listed.put(name, new KVPair(key, metadata));
  }

  /** Removes node {@code name} from {@link #nodes()} (the server keeps running). */
  public void unlist(String name) {
    listed.remove(name);
  }

  /** Every listed node, in the order they were started or listed. */
  public List<KVPair> nodes() {
    return List.copyOf(listed.values());
  }

  /** A discovery of the listed nodes, closed after the test. */
  public MultipleServersDiscovery discovery() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(nodes());
    closeables.add(d);
    return d;
  }

  /** Closes {@code c} after the test, before the servers. */
  public <T extends AutoCloseable> T closeAfter(T c) {
    closeables.add(0, c);
    return c;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    closeables.clear();
    for (Node n : nodes.values()) {
      n.server.close();
    }
    nodes.clear();
    listed.clear();
  }
}
