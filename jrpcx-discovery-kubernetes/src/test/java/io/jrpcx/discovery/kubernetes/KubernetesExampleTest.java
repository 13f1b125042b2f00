package io.jrpcx.discovery.kubernetes;

import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.endpoint;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.pod;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.service;
import static io.jrpcx.discovery.kubernetes.KubernetesApiServer.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The module README's example (jrpcx-discovery-kubernetes/README.md), as a user writes it, against
 * the API server stand-in holding the README's Service, with a server on loopback as its pod.
 */
@Timeout(60)
class KubernetesExampleTest {
  // What fabric8's auto-configuration reads besides ~/.kube/config and the service account.
  private static final Map<String, String> AUTO_CONFIG =
      Map.of(
          Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, "",
          Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false",
          Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "false");

  @Test
  void anXClientFindsThePodsOfTheService() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    try (KubernetesApiServer api = new KubernetesApiServer()) {
      api.apply(
          service(
              "shop",
              "arith",
              Map.of("rpcx.io/weight", "10", "rpcx.io/group", "g1"),
              Map.of("rpcx", port)));
      api.apply(pod("shop", "arith", "arith-0", Map.of()));
      api.apply(
          slice(
              "shop",
              "arith",
              "arith-x1",
              "IPv4",
              Map.of("rpcx", port),
              List.of(endpoint("127.0.0.1", "arith-0", true, false))));

      Server server = Server.builder().build();
      server.register("Arith", new ArithService(), "");
      server.start("tcp", "127.0.0.1:" + port);
      Map<String, String> saved = new java.util.HashMap<>();
      AUTO_CONFIG.forEach((k, v) -> saved.put(k, System.getProperty(k)));
      try {
        // The API server as auto-configuration finds it: here through a system property.
        AUTO_CONFIG.forEach(System::setProperty);
        System.setProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, api.url());

        KubernetesDiscovery d = KubernetesDiscovery.create("shop", "arith", "rpcx");
        XClient x =
            XClient.create(
                "Arith",
                FailMode.FAILOVER,
                SelectMode.WEIGHTED_ROUND_ROBIN,
                d,
                ClientOptions.DEFAULT);
        Reply r = x.call(Context.background(), "Mul", new Args(7, 8), Reply.class);
        assertThat(r.C).isEqualTo(56);
        assertThat(d.services())
            .extracting(KVPair::toString)
            .containsExactly("tcp@127.0.0.1:" + port + "?group=g1&weight=10");
        x.close();
        d.close();
      } finally {
        saved.forEach(
            (k, v) -> {
              if (v == null) {
                System.clearProperty(k);
              } else {
                System.setProperty(k, v);
              }
            });
      }

      // Every setting given, the API server in fabric8's Config.
      KubernetesDiscovery d2 =
          KubernetesDiscovery.builder()
              .config(new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).build())
              .namespace("shop")
              .service("arith")
              .port(String.valueOf(port))
              .network("tcp")
              .requestTimeout(Duration.ofSeconds(10))
              .build();
      try (XClient x2 =
          XClient.create(
              "Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d2, ClientOptions.DEFAULT)) {
        assertThat(x2.call(Context.background(), "Mul", new Args(6, 7), Reply.class).C)
            .isEqualTo(42);
      } finally {
        d2.close();
        server.close();
      }
    }
  }
}
