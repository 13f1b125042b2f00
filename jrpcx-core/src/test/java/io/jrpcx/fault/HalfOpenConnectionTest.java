package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.testing.FaultReport;
import io.jrpcx.testing.Load;
import io.jrpcx.testing.TestCluster;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection that goes half-open: the path to the server silently drops everything in both
 * directions while both sockets stay open, so no error, FIN or RST ever arrives. Only the
 * client's heartbeat can notice; it closes the connection, which fails the calls waiting on it
 * with a {@link ConnectionException} (retryable) instead of leaving them to their deadlines, or
 * forever when they have none.
 */
class HalfOpenConnectionTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  private static ClientOptions.Builder heartbeat() {
    return ClientOptions.DEFAULT.toBuilder()
        .heartbeat(Duration.ofMillis(200))
        .maxWaitForHeartbeat(Duration.ofMillis(600));
  }

  @Test
  void heartbeatClosesTheConnectionAndFailsACallThatHasNoDeadline() throws Exception {
    cluster.start("a", "");
    BlackHoleProxy proxy =
        cluster.closeAfter(new BlackHoleProxy(cluster.node("a").server.address()));
    Client client = cluster.closeAfter(new Client(heartbeat().build()));
    client.connect("tcp", proxy.key().substring("tcp@".length()));
    assertThat(client.call(Context.background(), "Node", "Id", "k", String.class)).isEqualTo("a");

    proxy.blackHole();
    Call<String> pending = client.go(Context.background(), "Node", "Id", "k", String.class);

    await().atMost(Duration.ofSeconds(10)).until(client::isShutdown);
    assertThatThrownBy(pending::await)
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("heartbeat failed");
    assertThatThrownBy(() -> client.call(Context.background(), "Node", "Id", "k", String.class))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining(ConnectionException.SHUT_DOWN);
    FaultReport.print(
        "half-open connection, one client, a call with no deadline pending (fails"
            + " with ConnectionException \"heartbeat failed\", as it must)",
        1,
        1,
        0);
  }

  @Test
  void xclientRedialsAndFailoverHidesAHalfOpenNodeUnderLoad() throws Exception {
    cluster.start("a", "");
    cluster.start("b", "");
    BlackHoleProxy proxy =
        cluster.closeAfter(new BlackHoleProxy(cluster.node("a").server.address()));
    cluster.unlist("a");
    cluster.list("a", proxy.key(), ""); // a is reached through the proxy only
    AtomicInteger closedThroughProxy = new AtomicInteger();
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                cluster.discovery(),
                heartbeat()
                    .plugin(
                        (ClientPlugin.ConnectionClosed)
                            (network, address) -> {
                              if (proxy.key().equals(network + "@" + address)) {
                                closedThroughProxy.incrementAndGet();
                              }
                            })
                    .build()));

    Load.Result result;
    try (Load load =
        Load.start(
            "Id",
            4,
            (thread, i) ->
                x.call(
                    Context.background().withTimeout(Duration.ofSeconds(10)),
                    "Id",
                    "k",
                    String.class))) {
      load.awaitAnswered("a", 100).awaitAnswered("b", 100);

      proxy.blackHole();
      // The heartbeat closes the dead connection; the XClient dials again (into the black hole,
      // which accepts), and the heartbeat closes that one too. Meanwhile b answers everything.
      await().atMost(Duration.ofSeconds(20)).until(() -> closedThroughProxy.get() >= 2);
      load.awaitAnswered("b", 20);

      proxy.heal();
      load.awaitAnswered("a", 100);
      result = load.stop();
    }
    result.report(
        "half-open connection to 1 of 2 nodes under load, detected by heartbeat" + " (Failover)");
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
  }
}
