package io.jrpcx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.etcd.EtcdDiscovery;
import io.jrpcx.registry.etcd.EtcdServer;
import io.jrpcx.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry examples against a real etcd, named by its registry URL only: the server registers
 * Arith with the port it got, {@code XClientArith --registry} finds and calls it, and shutdown
 * removes the entry.
 */
class EtcdArithServerTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  private static String url() {
    return "etcd://" + etcd.endpoint().substring("http://".length());
  }

  @Test
  @Timeout(60)
  void registersArithWithItsMetadataUntilShutDownAndXClientArithFindsIt() {
    AbstractRegisterPlugin registry = EtcdArithServer.registry(url(), "/example_test");
    Server server = EtcdArithServer.start("127.0.0.1:0", registry, "weight=10&group=g1");
    String node = "tcp@" + server.address();
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    // The discovery factories take the same URL as Registries and the command line.
    try (EtcdDiscovery discovery = EtcdDiscovery.create("/example_test", "Arith", url())) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> discovery.services().contains(new KVPair(node, "weight=10&group=g1")));

      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      XClientArith.main(new String[] {"--registry", url(), "--base-path", "/example_test"});
      System.setOut(stdout);
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .isEqualTo("10 * 20 = 200" + System.lineSeparator());

      server.shutdown(Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(10)).until(() -> discovery.services().isEmpty());
    } finally {
      System.setOut(stdout);
      server.close();
      registry.close();
    }
  }
}
