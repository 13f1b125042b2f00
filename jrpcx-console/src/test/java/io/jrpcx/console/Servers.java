package io.jrpcx.console;

import io.jrpcx.registry.etcd.EtcdRegisterPlugin;
import io.jrpcx.server.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real jrpcx servers on loopback, each registered in etcd by its own EtcdRegisterPlugin. */
final class Servers implements AutoCloseable {
  private final String endpoint;
  private final String basePath;
  private final Duration updateInterval;
  private final Map<String, Server> servers = new LinkedHashMap<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  Servers(String endpoint, String basePath, Duration updateInterval) {
    this.endpoint = endpoint;
    this.basePath = basePath;
    this.updateInterval = updateInterval;
  }

  /** Starts a server of {@code service} registered with {@code metadata}; its node key. */
  String start(String service, Object impl, String metadata) {
    int port = freePort();
    String key = "tcp@127.0.0.1:" + port;
    EtcdRegisterPlugin plugin =
        EtcdRegisterPlugin.builder()
            .endpoints(endpoint)
            .serviceAddress(key)
            .basePath(basePath)
            .updateInterval(updateInterval)
            .build();
    plugin.start();
    Server server = Server.builder().plugin(plugin).build();
    toClose.add(0, plugin);
    toClose.add(0, server::close);
    server.register(service, impl, metadata);
    server.start("tcp", "127.0.0.1:" + port);
    servers.put(key, server);
    return key;
  }

  Server server(String key) {
    return servers.get(key);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
