package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.testing.Load;
import io.jrpcx.testing.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One of two nodes stops answering (its calls are held, not refused: a stuck process, a long GC
 * pause) while eight threads call through a Failbackup XClient: every call must be answered by
 * the other node, none may wait for its deadline. The single-call cases are in {@code
 * XClientFailModeTest} ({@code failbackupReturnsTheFastNodesAnswer}, {@code
 * failbackupSendsTheBackupToAnotherNodeThanTheFirstRequest}).
 */
class SlowNodeTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  @Test
  void failbackupHidesANodeThatStopsAnsweringUnderLoad() throws Exception {
    cluster.start("slow", "");
    cluster.start("fast", "");
    TestCluster.Node slow = cluster.node("slow");
    slow.service.hold();
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILBACKUP,
                SelectMode.RANDOM_SELECT,
                cluster.discovery(),
                ClientOptions.DEFAULT.toBuilder().backupLatency(Duration.ofMillis(20)).build()));
    Load.Result result;
    try (Load load =
        Load.start(
            "Held",
            8,
            (thread, i) -> {
              String node =
                  x.call(
                      Context.background().withTimeout(Duration.ofSeconds(10)),
                      "Held",
                      "k" + i,
                      String.class);
              if (!node.equals("fast")) {
                throw new AssertionError("answered by " + node);
              }
              return node;
            })) {
      load.awaitSucceeded(600);
      result = load.stop();
    } finally {
      slow.service.release();
    }
    result.report(
        "slow node (1 of 2 holds every call) under load (Failbackup, backup after" + " 20 ms)");
    assertThat(slow.service.calls()).as("first requests that went to the slow node").isPositive();
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
  }
}
