package io.jrpcx.cli;

import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.endpoint;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.service;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.discovery.kubernetes.KubernetesApiServer;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jrpcx list --registry k8s://...} against fabric8's API server stand-in. */
@Timeout(30)
class ListKubernetesTest {
  private final KubernetesApiServer api = new KubernetesApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void listsTheReadyEndpointsWithTheirMetadata() {
    Map<String, Integer> ports = Map.of("rpcx", 8972);
    api.apply(
        service("shop", "arith", Map.of("rpcx.io/weight", "10", "rpcx.io/group", "g1"), ports));
    api.apply(
        slice(
            "shop",
            "arith",
            "arith-1",
            "IPv4",
            ports,
            List.of(
                endpoint("10.1.0.2", "arith-2", true, false),
                endpoint("10.1.0.1", "arith-1", true, false),
                endpoint("10.1.0.3", "arith-3", false, false))));
    Cli.Result r = Cli.run("list", "--registry", "k8s://shop/arith:rpcx?server=" + api.url());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "shop/arith\n"
                + "  tcp@10.1.0.1:8972  group=g1  weight=10\n"
                + "  tcp@10.1.0.2:8972  group=g1  weight=10\n");
  }

  @Test
  void callFindsAReadyPodOfTheService() {
    int port = RegistryListContract.freePort();
    Server server = Server.builder().build();
    try {
      server.register("Arith", new ArithService(), "");
      server.start("tcp", "127.0.0.1:" + port);
      Map<String, Integer> ports = Map.of("rpcx", port);
      api.apply(service("shop", "arith", Map.of(), ports));
      api.apply(
          slice(
              "shop",
              "arith",
              "arith-1",
              "IPv4",
              ports,
              List.of(
                  endpoint("127.0.0.1", "arith-1", true, false),
                  endpoint("127.0.0.9", "arith-9", false, false)))); // not ready: never dialled
      Cli.Result r =
          Cli.run(
              "call",
              "--registry",
              "k8s://shop/arith:rpcx?server=" + api.url(),
              "Arith.Mul",
              "{\"A\":10,\"B\":20}");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("{\"C\":200}\n");
    } finally {
      server.close();
    }
  }

  @Test
  void aServiceWithoutEndpointsHasNoNodes() {
    Cli.Result r = Cli.run("list", "--registry", "k8s://shop/nothing?server=" + api.url());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("shop/nothing\n  (no nodes)\n");
  }

  @Test
  void anUnreachableApiServerFailsWithExitCode3() {
    String url = api.url();
    api.stop();
    try {
      Cli.Result r =
          Cli.run("list", "--registry", "k8s://shop/arith?server=" + url, "--timeout", "1s");
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
      assertThat(r.err())
          .startsWith("error: cannot reach the Kubernetes API server for shop/arith");
    } finally {
      api.startAgain(); // for close()
    }
  }

  @Test
  void aUrlWithoutNamespaceAndServiceIsAUsageError() {
    Cli.Result r = Cli.run("list", "--registry", "k8s://arith");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("expected k8s://namespace/service[:port]");
  }
}
