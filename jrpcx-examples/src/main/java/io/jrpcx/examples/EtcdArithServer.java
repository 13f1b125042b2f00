package io.jrpcx.examples;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.Registries;
import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Serves Arith and registers it in a registry named by its URL, etcd by default, like
 * rpcx-examples' {@code registry/etcdv3/server}: Go and Java clients discovering {@code Arith}
 * under the base path find it ({@code XClientArith --registry ...}), and {@code jrpcx list
 * --registry etcd://...} shows it. Another registry works the same once its module is on the
 * class path.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.EtcdArithServer --addr 127.0.0.1:8973 \
 *     --registry etcd://127.0.0.1:2379 --base-path /rpcx_test --meta 'weight=10&amp;group=g1'</pre>
 */
public final class EtcdArithServer {
  private EtcdArithServer() {}

  public static void main(String[] args) throws InterruptedException {
    Flags flags = new Flags(args);
    AbstractRegisterPlugin registry =
        registry(
            flags.get("registry", "etcd://127.0.0.1:2379"), flags.get("base-path", "/rpcx_test"));
    Server server = start(flags.get("addr", "127.0.0.1:8973"), registry, flags.get("meta", ""));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown(Duration.ofSeconds(5)); // removes the entry first
                  registry.close();
                }));
    System.out.println("Arith serving on tcp@" + server.address() + ", registered in the registry");
    server.awaitTermination();
  }

  /**
   * The started register plugin for the registry at {@code url}; it registers the address the
   * server listens on, once it listens.
   */
  public static AbstractRegisterPlugin registry(String url, String basePath) {
    AbstractRegisterPlugin registry = Registries.registerPlugin(url, basePath);
    registry.start();
    return registry;
  }

  /**
   * Starts a server on {@code addr} (port 0 for any: the port it gets is registered) with Arith
   * and {@code metadata} registered through {@code registry}.
   */
  public static Server start(String addr, AbstractRegisterPlugin registry, String metadata) {
    Server server = Server.builder().plugin(registry).build();
    server.register("Arith", new Arith(), metadata);
    server.start("tcp", addr);
    return server;
  }
}
