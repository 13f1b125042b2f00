package io.jrpcx.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.discovery.dns.DnsTestServer.Srv;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The module README's example (jrpcx-discovery-dns/README.md), as a user writes it, with the
 * in-test DNS server as the name server and servers on loopback.
 */
@Timeout(30)
class DnsExampleTest {

  @Test
  void anXClientFindsTheServersOfANameAndOfItsSrvRecords() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    try (DnsTestServer dns = new DnsTestServer()) {
      // Servers: any jrpcx server whose address is in DNS.
      Server server = Server.builder().build();
      server.register("Arith", new ArithService(), "");
      server.start("tcp", "127.0.0.1:" + port);
      Server other = Server.builder().build();
      other.register("Arith", new ArithService(), "");
      other.start("tcp", "127.0.0.1:0");
      int otherPort = Integer.parseInt(other.address().substring(other.address().indexOf(':') + 1));
      dns.addresses("arith.default.svc.cluster.local", "127.0.0.1")
          .addresses("a.arith.default.svc.cluster.local", "127.0.0.1")
          .srv(
              "_rpcx._tcp.arith.default.svc.cluster.local",
              new Srv(0, 10, port, "a.arith.default.svc.cluster.local."),
              new Srv(0, 1, otherPort, "a.arith.default.svc.cluster.local."));
      try {
        // Client: the A and AAAA records of the name (the README's create, with a name server
        // given through the builder since none but the test's knows the name).
        DnsDiscovery d =
            DnsDiscovery.builder()
                .domain("arith.default.svc.cluster.local")
                .network("tcp")
                .port(port)
                .refreshInterval(Duration.ofSeconds(10))
                .nameServers(dns.address())
                .build();
        XClient x =
            XClient.create(
                "Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d, ClientOptions.DEFAULT);
        Reply r = x.call(Context.background(), "Mul", new Args(7, 8), Reply.class);
        assertThat(r.C).isEqualTo(56);
        x.close();
        d.close();

        // SRV records: each target's port and weight.
        DnsDiscovery srv =
            DnsDiscovery.builder()
                .domain("_rpcx._tcp.arith.default.svc.cluster.local")
                .srv(true)
                .nameServers(dns.address())
                .refreshInterval(Duration.ofSeconds(30))
                .queryTimeout(Duration.ofSeconds(2))
                .build();
        XClient weighted =
            XClient.create(
                "Arith",
                FailMode.FAILOVER,
                SelectMode.WEIGHTED_ROUND_ROBIN,
                srv,
                ClientOptions.DEFAULT);
        assertThat(srv.services())
            .extracting(n -> n.metadata("weight"))
            .containsExactlyInAnyOrder("10", "1");
        assertThat(weighted.call(Context.background(), "Mul", new Args(6, 7), Reply.class).C)
            .isEqualTo(42);
        weighted.close();
        srv.close();
      } finally {
        server.close();
        other.close();
      }
    }
  }
}
