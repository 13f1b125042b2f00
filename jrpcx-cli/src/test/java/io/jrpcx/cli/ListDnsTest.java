package io.jrpcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.discovery.dns.DnsTestServer;
import io.jrpcx.discovery.dns.DnsTestServer.Srv;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jrpcx list --registry dns://...} against a DNS server on loopback. */
@Timeout(30)
class ListDnsTest {
  private final DnsTestServer dns = new DnsTestServer();

  @AfterEach
  void stop() {
    dns.close();
  }

  private String server() {
    return "server=127.0.0.1:" + dns.address().getPort();
  }

  @Test
  void listsTheAddressesOfTheNameOnThePort() {
    dns.addresses("arith.rpcx.test", "10.0.0.2", "10.0.0.1", "2001:db8::1");
    Cli.Result r = Cli.run("list", "--registry", "dns://arith.rpcx.test:8972?" + server());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "arith.rpcx.test\n"
                + "  tcp@10.0.0.1:8972\n"
                + "  tcp@10.0.0.2:8972\n"
                + "  tcp@[2001:db8::1]:8972\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void withoutAPortTheSrvRecordsGivePortsAndWeights() {
    dns.addresses("a.rpcx.test", "10.0.0.1")
        .srv("_rpcx._tcp.arith.rpcx.test", new Srv(0, 10, 9001, "a.rpcx.test."));
    Cli.Result r = Cli.run("list", "--registry", "dns://_rpcx._tcp.arith.rpcx.test?" + server());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("_rpcx._tcp.arith.rpcx.test\n  tcp@10.0.0.1:9001  weight=10\n");
  }

  @Test
  void aNameWithoutRecordsHasNoNodes() {
    Cli.Result r = Cli.run("list", "--registry", "dns://nobody.rpcx.test:8972?" + server());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("nobody.rpcx.test\n  (no nodes)\n");
  }

  @Test
  void nameServersThatDoNotAnswerFailWithExitCode3() {
    dns.silent(true);
    Cli.Result r =
        Cli.run("list", "--registry", "dns://arith.rpcx.test:8972?" + server(), "--timeout", "1s");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.err()).startsWith("error: cannot reach the name servers for arith.rpcx.test");
  }

  @Test
  void callFindsTheServerThroughTheName() {
    int port = RegistryListContract.freePort();
    Server server = Server.builder().build();
    try {
      server.register("Arith", new ArithService(), "");
      server.start("tcp", "127.0.0.1:" + port);
      dns.addresses("arith.rpcx.test", "127.0.0.1");
      Cli.Result r =
          Cli.run(
              "call",
              "--registry",
              "dns://arith.rpcx.test:" + port + "?" + server(),
              "Arith.Mul",
              "{\"A\":10,\"B\":20}");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("{\"C\":200}\n");
    } finally {
      server.close();
    }
  }

  @Test
  void aBadNameServerIsAUsageError() {
    Cli.Result r = Cli.run("list", "--registry", "dns://arith.rpcx.test:8972?server=ns.example");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("is not an IP address");
  }
}
