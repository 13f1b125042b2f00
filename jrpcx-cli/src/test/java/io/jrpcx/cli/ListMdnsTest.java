package io.jrpcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.registry.mdns.MdnsRegisterPlugin;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code jrpcx list} and {@code call} with {@code --registry mdns://127.0.0.1}: real multicast on
 * loopback, a real server announcing through the mDNS register plugin.
 */
@Timeout(60)
class ListMdnsTest {
  @Test
  void listsTheAnnouncedServiceAndCallsIt() throws Exception {
    String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    String service = "Arith" + name.substring(4);
    MdnsRegisterPlugin plugin =
        MdnsRegisterPlugin.builder()
            .instanceName(name)
            .hostName(name)
            .bindAddress(InetAddress.getByName("127.0.0.1"))
            .updateInterval(Duration.ZERO)
            .build();
    Server server = Server.builder().plugin(plugin).build();
    try {
      server.register(service, new ArithService(), "weight=2");
      server.start("tcp", "127.0.0.1:0");
      String node = "tcp@" + server.address();
      Cli.Result[] listed = new Cli.Result[1];
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                listed[0] = Cli.run("list", "--registry", "mdns://127.0.0.1", "--service", service);
                return listed[0].out().contains(node);
              });
      assertThat(listed[0].exitCode()).as(listed[0].toString()).isZero();
      assertThat(listed[0].out()).isEqualTo(service + "\n  " + node + "  weight=2\n");

      Cli.Result called =
          Cli.run(
              "call", "--registry", "mdns://127.0.0.1", service + ".Mul", "{\"A\":10,\"B\":20}");
      assertThat(called.exitCode()).as(called.toString()).isZero();
      assertThat(called.out()).isEqualTo("{\"C\":200}\n");
    } finally {
      server.close();
      plugin.close();
    }
  }
}
