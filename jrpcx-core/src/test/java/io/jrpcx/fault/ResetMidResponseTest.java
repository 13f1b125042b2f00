package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.testing.FaultReport;
import io.jrpcx.testing.Load;
import io.jrpcx.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that resets the connection in the middle of its response: half a frame arrives, then a
 * TCP RST. The caller gets a {@link ConnectionException} that says what happened, the partial
 * frame is discarded without leaking its buffer, and the fail mode decides the rest: Failfast
 * returns the error, Failover retries on another node.
 */
class ResetMidResponseTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  @Test
  void failfastReturnsAClearConnectionError() throws Exception {
    HalfResponseServer resetting = cluster.closeAfter(new HalfResponseServer());
    MultipleServersDiscovery discovery =
        cluster.closeAfter(new MultipleServersDiscovery(List.of(new KVPair(resetting.key(), ""))));
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                discovery,
                ClientOptions.DEFAULT));

    int calls = 20;
    for (int i = 0; i < calls; i++) {
      assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
          .isInstanceOf(ConnectionException.class)
          .hasMessageStartingWith(
              ConnectionException.SHUT_DOWN
                  + ": connection to "
                  + resetting.key().substring("tcp@".length()))
          .hasMessageContaining("reset");
    }
    assertThat(resetting.halfAnswered()).isEqualTo(calls);
    FaultReport.print(
        "connection reset mid-response (Failfast: every call returns the"
            + " ConnectionException, as it must)",
        calls,
        calls,
        0);
  }

  @Test
  void failoverRetriesOnAnotherNodeUnderLoad() throws Exception {
    HalfResponseServer resetting = cluster.closeAfter(new HalfResponseServer());
    cluster.list("resetting", resetting.key(), "");
    cluster.start("good", "");
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                cluster.discovery(),
                ClientOptions.DEFAULT));

    Load.Result result;
    try (Load load =
        Load.start(
            "Id",
            4,
            (thread, i) -> {
              String node = x.call(ctx(), "Id", "k", String.class);
              if (!node.equals("good")) {
                throw new AssertionError("answered by " + node);
              }
              return node;
            })) {
      load.awaitSucceeded(500);
      result = load.stop();
    }
    result.report("connection reset mid-response, 1 of 2 nodes, under load (Failover)");
    assertThat(resetting.halfAnswered()).as("calls reset mid-response").isPositive();
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
  }
}
