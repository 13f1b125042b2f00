package io.jrpcx.registry.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The discovery reading rpcx's Consul layout, as Go servers and the plugin write it. */
class ConsulDiscoveryTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  private ConsulDiscovery discovery(ConsulStandIn consul, String servicePath) {
    return closeLater(ConsulDiscovery.create("/rpcx_test", servicePath, consul.address()));
  }

  @Test
  void readsEntriesWrittenExactlyAsAGoRpcxServerWritesThem() throws Exception {
    ConsulStandIn consul = closeLater(ConsulStandIn.start());
    RawConsul go = new RawConsul(consul.address());
    // rpcx-consul's Start, then Register for two servers, through libkv's call sequence.
    go.goLibkvPutWithTtl("rpcx_test", "rpcx_path", "10s");
    go.goLibkvPut("rpcx_test", "rpcx_path");
    go.goLibkvPut("rpcx_test/Arith", "Arith");
    go.goLibkvPutWithTtl("rpcx_test/Arith/tcp@10.0.0.5:8972", "weight=10&group=g1", "10s");
    go.goLibkvPutWithTtl("rpcx_test/Arith/tcp@10.0.0.6:8972", "weight=5", "10s");
    // A service whose name merely starts with "Arith": Go's recursive list would return it too.
    go.goLibkvPut("rpcx_test/Arithmetic", "Arithmetic");
    go.goLibkvPutWithTtl("rpcx_test/Arithmetic/tcp@10.0.0.7:8972", "", "10s");

    ConsulDiscovery d = discovery(consul, "Arith");

    assertThat(d.services())
        .containsExactly(
            new KVPair("tcp@10.0.0.5:8972", "weight=10&group=g1"),
            new KVPair("tcp@10.0.0.6:8972", "weight=5"));
    assertThat(d.services().get(0).metadata("weight")).isEqualTo("10");
    assertThat(d.services().get(0).metadata("group")).isEqualTo("g1");
  }

  @Test
  void startsEmptyBeforeAnyServerRegisteredAndFollowsJoinsAndLeaves() throws Exception {
    ConsulStandIn consul = closeLater(ConsulStandIn.start());
    RawConsul go = new RawConsul(consul.address());
    ConsulDiscovery d = discovery(consul, "Arith");
    assertThat(d.services()).isEmpty();

    String session = go.goLibkvPutWithTtl("rpcx_test/Arith/tcp@10.0.0.5:8972", "", "10s");
    await().atMost(Duration.ofSeconds(10)).until(() -> d.services().size() == 1);

    // A crashed Go server: its session is invalidated and Consul deletes the key.
    go.send("PUT", "/v1/session/destroy/" + session, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> d.services().isEmpty());
  }

  @Test
  void seesMetadataOnlyChanges() throws Exception {
    ConsulStandIn consul = closeLater(ConsulStandIn.start());
    RawConsul go = new RawConsul(consul.address());
    String leaf = "rpcx_test/Arith/tcp@10.0.0.5:8972";
    go.goLibkvPutWithTtl(leaf, "weight=10&group=g1", "10s");
    ConsulDiscovery d = discovery(consul, "Arith");
    List<List<KVPair>> updates = new CopyOnWriteArrayList<>();
    d.watch(updates::add);

    go.goLibkvPut(leaf, "weight=10&group=g1&state=inactive");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(updates)
                    .last()
                    .isEqualTo(
                        List.of(
                            new KVPair("tcp@10.0.0.5:8972", "weight=10&group=g1&state=inactive"))));

    go.goLibkvPut(leaf, "weight=3&group=g1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "3".equals(d.services().get(0).metadata("weight")));
    assertThat(updates).hasSize(2);
  }

  @Test
  void aTemplateMakesOneWatchingDiscoveryPerService() throws Exception {
    ConsulStandIn consul = closeLater(ConsulStandIn.start());
    RawConsul go = new RawConsul(consul.address());
    go.goLibkvPutWithTtl("rpcx_test/Arith/tcp@10.0.0.5:8972", "a", "10s");
    go.goLibkvPutWithTtl("rpcx_test/Echo/tcp@10.0.0.6:8972", "e", "10s");

    // "rpcx_test" without slash: the same prefix as Go's "/rpcx_test".
    ConsulDiscovery template = closeLater(ConsulDiscovery.template("rpcx_test", consul.address()));
    assertThat(template.services()).isEmpty();
    ConsulDiscovery arith = closeLater(template.clone("Arith"));
    ConsulDiscovery echo = closeLater(template.clone("Echo"));

    assertThat(arith.services()).containsExactly(new KVPair("tcp@10.0.0.5:8972", "a"));
    assertThat(echo.services()).containsExactly(new KVPair("tcp@10.0.0.6:8972", "e"));
    go.goLibkvPutWithTtl("rpcx_test/Echo/tcp@10.0.0.7:8972", "e2", "10s");
    await().atMost(Duration.ofSeconds(10)).until(() -> echo.services().size() == 2);
    assertThat(arith.services()).hasSize(1);
  }

  @Test
  void afterAConsulRestartTheDiscoveryListsAgainAndThePluginRegistersAgain() throws Exception {
    Duration interval = Duration.ofMillis(300);
    ConsulStandIn.Options options =
        new ConsulStandIn.Options().minSessionTtl(Duration.ofMillis(100));
    ConsulStandIn first = ConsulStandIn.start(options);
    int port = first.port();
    ConsulRegisterPlugin plugin =
        closeLater(
            ConsulRegisterPlugin.builder()
                .consulAddress(first.address())
                .serviceAddress("tcp@10.0.0.5:8972")
                .updateInterval(interval)
                .minSessionTtl(Duration.ofMillis(100))
                .build());
    plugin.start();
    Server server = Server.builder().plugin(plugin).build();
    closeLater(server::close);
    server.register("Arith", new ArithService(), "weight=10");
    server.start("tcp", "127.0.0.1:0");
    ConsulDiscovery d = discovery(first, "Arith");
    assertThat(d.services()).containsExactly(new KVPair("tcp@10.0.0.5:8972", "weight=10"));
    // A dev agent restart: same port, every key and session gone.
    first.close();
    ConsulStandIn second = ConsulStandIn.start(options.port(port));
    closeables.add(0, second); // closed last, after the plugin removed its entries

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(second.keys())
                  .containsExactly(
                      "rpcx_test", "rpcx_test/Arith", "rpcx_test/Arith/tcp@10.0.0.5:8972");
              assertThat(second.kv("rpcx_test/Arith/tcp@10.0.0.5:8972").session()).isNotEmpty();
            });
    // The discovery watches the new agent: a node only it holds shows up.
    new RawConsul(second.address())
        .goLibkvPutWithTtl("rpcx_test/Arith/tcp@10.0.0.9:8972", "weight=1", "10s");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(d.services())
                    .extracting(KVPair::key)
                    .containsExactly("tcp@10.0.0.5:8972", "tcp@10.0.0.9:8972"));
    assertThat(d.services().get(0).metadata("weight")).isEqualTo("10");
  }

  @Test
  void anUnreachableConsulIsWhatACallWithoutServersReports() throws Exception {
    String nowhere = "127.0.0.1:" + freePort();
    ConsulDiscovery d = closeLater(ConsulDiscovery.create("/rpcx_test", "Arith", nowhere));
    assertThat(d.lastError()).isNotNull();
    XClient x =
        closeLater(
            XClient.create(
                "Arith", FailMode.FAILFAST, SelectMode.RANDOM_SELECT, d, ClientOptions.DEFAULT));

    assertThatThrownBy(
            () ->
                x.call(
                    Context.background().withTimeout(Duration.ofSeconds(5)),
                    "Mul",
                    null,
                    Object.class))
        .isInstanceOf(ConnectionException.class)
        .hasMessageStartingWith(
            "can not find any server for Arith: the registry could not be read:")
        .hasCause(d.lastError());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
