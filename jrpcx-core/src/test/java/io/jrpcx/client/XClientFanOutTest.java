package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.MultiNodeException;
import io.jrpcx.ServiceException;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Broadcast, fork and inform over several real servers. */
class XClientFanOutTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  /** A fresh ten-second deadline per call: a deadline is an instant, not a duration. */
  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  private XClient xclient() {
    return cluster.closeAfter(
        XClient.create(
            "Node",
            FailMode.FAILFAST,
            SelectMode.RANDOM_SELECT,
            cluster.discovery(),
            ClientOptions.DEFAULT.toBuilder().breaker(null).build()));
  }

  @Test
  void broadcastCallsEveryNodeAndSucceedsWhenAllDo() {
    cluster.start("a", "");
    cluster.start("b", "");
    cluster.start("c", "");
    XClient x = xclient();

    assertThat(x.broadcast(ctx(), "Id", "k", String.class)).isIn("a", "b", "c");
    assertThat(cluster.node("a").service.calls()).isEqualTo(1);
    assertThat(cluster.node("b").service.calls()).isEqualTo(1);
    assertThat(cluster.node("c").service.calls()).isEqualTo(1);
  }

  @Test
  void broadcastFailsWhenAnyNodeFailsNamingThatNode() {
    cluster.start("a", "");
    String down = cluster.refusing("down");
    XClient x = xclient();

    assertThatThrownBy(() -> x.broadcast(ctx(), "Id", "k", String.class))
        .isInstanceOfSatisfying(
            MultiNodeException.class,
            e -> {
              assertThat(e.errors()).containsOnlyKeys(down);
              assertThat(e.errors().get(down)).isInstanceOf(ConnectionException.class);
            });
  }

  @Test
  void broadcastIsBoundedByTheDeadline() {
    cluster.start("a", "");
    cluster.start("slow", "");
    cluster.node("slow").service.hold();
    XClient x = xclient();
    try {
      // The slow node fails at the deadline. On a loaded machine the fast node may miss it too,
      // and broadcast returns at the first failure, so either may be the one reported.
      assertThatThrownBy(
              () ->
                  x.broadcast(
                      Context.background().withTimeout(Duration.ofMillis(500)),
                      "Held",
                      "k",
                      String.class))
          .isInstanceOfSatisfying(
              MultiNodeException.class,
              e ->
                  assertThat(e.errors())
                      .isNotEmpty()
                      .allSatisfy(
                          (k, v) -> assertThat(v).isInstanceOf(DeadlineExceededException.class)));
    } finally {
      cluster.node("slow").service.release();
    }
  }

  @Test
  void forkReturnsTheFirstSuccessWhenOthersFail() {
    cluster.refusing("down");
    cluster.resetting("reset");
    cluster.start("good", "");
    XClient x = xclient();

    assertThat(x.fork(ctx(), "Id", "k", String.class)).isEqualTo("good");
  }

  @Test
  void forkDoesNotWaitForASlowNode() {
    cluster.start("fast", "");
    cluster.start("slow", "");
    cluster.node("slow").service.hold();
    XClient x = xclient();
    try {
      assertThat(x.fork(ctx(), "Held", "k", String.class)).isEqualTo("fast");
    } finally {
      cluster.node("slow").service.release();
    }
  }

  @Test
  void forkFailsOnlyWhenEveryNodeFails() {
    String down = cluster.refusing("down");
    cluster.start("a", "");
    XClient x = xclient();

    assertThatThrownBy(() -> x.fork(ctx(), "Fail", "k", String.class))
        .isInstanceOfSatisfying(
            MultiNodeException.class,
            e -> {
              assertThat(e.errors()).containsOnlyKeys(down, cluster.node("a").key());
              assertThat(e.errors().get(cluster.node("a").key()))
                  .isInstanceOf(ServiceException.class)
                  .hasMessageContaining("node a refuses");
            });
  }

  @Test
  void forkIsBoundedByTheDeadline() {
    cluster.start("slow", "");
    cluster.node("slow").service.hold();
    XClient x = xclient();
    try {
      assertThatThrownBy(
              () ->
                  x.fork(
                      Context.background().withTimeout(Duration.ofMillis(300)),
                      "Held",
                      "k",
                      String.class))
          .isInstanceOf(MultiNodeException.class)
          .hasMessageContaining("deadline");
    } finally {
      cluster.node("slow").service.release();
    }
  }

  @Test
  void informGivesEachNodeItsOwnOutcome() {
    String a = cluster.start("a", "");
    String down = cluster.refusing("down");
    XClient x = xclient();

    List<Receipt<String>> receipts = x.inform(ctx(), "Id", "k", String.class);

    assertThat(receipts).hasSize(2);
    Receipt<String> ok = receipts.stream().filter(r -> r.key().equals(a)).findFirst().get();
    Receipt<String> failed = receipts.stream().filter(r -> r.key().equals(down)).findFirst().get();
    assertThat(ok.isSuccess()).isTrue();
    assertThat(ok.reply()).isEqualTo("a");
    assertThat(ok.address()).isEqualTo(cluster.node("a").server.address());
    assertThat(failed.reply()).isNull();
    assertThat(failed.error())
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("connection refused");
  }

  @Test
  void fanOutWithoutNodesFailsClearly() {
    MultipleServersDiscovery empty = cluster.closeAfter(new MultipleServersDiscovery(List.of()));
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node", FailMode.FAILFAST, SelectMode.RANDOM_SELECT, empty, ClientOptions.DEFAULT));

    assertThatThrownBy(() -> x.broadcast(ctx(), "Id", "k", String.class))
        .hasMessageContaining("can not find any server");
    assertThatThrownBy(() -> x.fork(ctx(), "Id", "k", String.class))
        .hasMessageContaining("can not find any server");
    assertThatThrownBy(() -> x.inform(ctx(), "Id", "k", String.class))
        .hasMessageContaining("can not find any server");
  }
}
