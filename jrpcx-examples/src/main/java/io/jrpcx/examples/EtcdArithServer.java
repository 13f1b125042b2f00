package io.jrpcx.examples;

import io.jrpcx.registry.etcd.EtcdRegisterPlugin;
import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Serves Arith and registers it in etcd, like rpcx-examples' {@code registry/etcdv3/server}: Go
 * and Java clients discovering {@code Arith} under the base path find it, and
 * {@code jrpcx list --registry etcd://...} shows it.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.EtcdArithServer --addr 127.0.0.1:8973 \
 *     --etcd 127.0.0.1:2379 --base-path /rpcx_test --meta 'weight=10&amp;group=g1'</pre>
 */
public final class EtcdArithServer {
  private EtcdArithServer() {}

  public static void main(String[] args) throws InterruptedException {
    Flags flags = new Flags(args);
    String addr = flags.get("addr", "127.0.0.1:8973");
    EtcdRegisterPlugin registry =
        registry(addr, flags.get("etcd", "127.0.0.1:2379"), flags.get("base-path", "/rpcx_test"));
    Server server = start(addr, registry, flags.get("meta", ""));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown(Duration.ofSeconds(5)); // removes the entry first
                  registry.close();
                }));
    System.out.println("Arith serving on tcp@" + server.address() + ", registered in etcd");
    server.awaitTermination();
  }

  /** The register plugin for a server on {@code addr}, in the etcd at {@code etcd}. */
  public static EtcdRegisterPlugin registry(String addr, String etcd, String basePath) {
    EtcdRegisterPlugin registry =
        EtcdRegisterPlugin.builder()
            .endpoints(etcd.contains("://") ? etcd : "http://" + etcd)
            .serviceAddress("tcp@" + addr)
            .basePath(basePath)
            .build();
    registry.start();
    return registry;
  }

  /**
   * Starts a server on {@code addr} (a fixed port: it is what gets registered) with Arith and
   * {@code metadata} registered through {@code registry}.
   */
  public static Server start(String addr, EtcdRegisterPlugin registry, String metadata) {
    Server server = Server.builder().plugin(registry).build();
    server.register("Arith", new Arith(), metadata);
    server.start("tcp", addr);
    return server;
  }
}
