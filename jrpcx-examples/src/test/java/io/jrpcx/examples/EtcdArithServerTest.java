package io.jrpcx.examples;

import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.etcd.EtcdDiscovery;
import io.jrpcx.registry.etcd.EtcdRegisterPlugin;
import io.jrpcx.registry.etcd.EtcdServer;
import io.jrpcx.server.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry example registers Arith in a real etcd and removes it on shutdown. */
class EtcdArithServerTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  @Test
  void registersArithWithItsMetadataUntilShutDown() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String addr = "127.0.0.1:" + port;
    EtcdRegisterPlugin registry =
        EtcdArithServer.registry(
            addr, etcd.endpoint().substring("http://".length()), "/example_test");
    Server server = EtcdArithServer.start(addr, registry, "weight=10&group=g1");
    try (EtcdDiscovery discovery =
        EtcdDiscovery.create("/example_test", "Arith", etcd.endpoint())) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> discovery.services().contains(new KVPair("tcp@" + addr, "weight=10&group=g1")));
      server.shutdown(Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(10)).until(() -> discovery.services().isEmpty());
    } finally {
      server.close();
      registry.close();
    }
  }
}
