package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.ServiceException;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each fail mode against a node that refuses connections, one that resets the connection
 * mid-call and one that is slow, all real servers and sockets on loopback.
 */
class XClientFailModeTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  /** A fresh ten-second deadline per call: a deadline is an instant, not a duration. */
  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  /** Records every connection attempt by address, and its outcome. */
  static final class Dials
      implements ClientPlugin.ConnectionCreated, ClientPlugin.ConnectionCreateFailed {
    final List<String> attempts = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    @Override
    public void connectionCreated(String network, String address) {
      attempts.add(network + "@" + address);
    }

    @Override
    public void connectionCreateFailed(String network, String address, Throwable cause) {
      attempts.add(network + "@" + address);
      failures.computeIfAbsent(network + "@" + address, k -> new AtomicInteger()).incrementAndGet();
    }

    int failuresOf(String key) {
      AtomicInteger n = failures.get(key);
      return n == null ? 0 : n.get();
    }
  }

  private XClient xclient(FailMode mode, SelectMode select, ClientOptions.Builder options) {
    return cluster.closeAfter(
        XClient.create("Node", mode, select, cluster.discovery(), options.build()));
  }

  private static ClientOptions.Builder noBreaker() {
    return ClientOptions.DEFAULT.toBuilder().breaker(null);
  }

  @Test
  void failfastReturnsTheRefusedConnectionAtOnce() {
    String refusing = cluster.refusing("down");
    Dials dials = new Dials();
    XClient x = xclient(FailMode.FAILFAST, SelectMode.RANDOM_SELECT, noBreaker().plugin(dials));

    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("connection refused");
    assertThat(dials.failuresOf(refusing)).isEqualTo(1);
  }

  @Test
  void failfastReturnsAResetMidCallWithoutRetrying() {
    String resetting = cluster.resetting("reset");
    Dials dials = new Dials();
    XClient x = xclient(FailMode.FAILFAST, SelectMode.RANDOM_SELECT, noBreaker().plugin(dials));

    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(ConnectionException.class);
    assertThat(dials.attempts).containsExactly(resetting);
  }

  @Test
  void failfastDoesNotRetryASlowNodePastTheDeadline() {
    cluster.start("slow", "");
    cluster.node("slow").service.hold();
    XClient x = xclient(FailMode.FAILFAST, SelectMode.RANDOM_SELECT, noBreaker());
    try {
      assertThatThrownBy(
              () ->
                  x.call(
                      Context.background().withTimeout(Duration.ofMillis(200)),
                      "Held",
                      "k",
                      String.class))
          .isInstanceOf(DeadlineExceededException.class);
      assertThat(cluster.node("slow").service.calls()).isEqualTo(1);
    } finally {
      cluster.node("slow").service.release();
    }
  }

  @Test
  void failoverMovesPastARefusingNode() {
    String refusing = cluster.refusing("down");
    cluster.start("good", "");
    Dials dials = new Dials();
    XClient x = xclient(FailMode.FAILOVER, SelectMode.ROUND_ROBIN, noBreaker().plugin(dials));

    for (int i = 0; i < 20; i++) {
      assertThat(x.call(ctx(), "Id", "k" + i, String.class)).isEqualTo("good");
    }
    assertThat(dials.failuresOf(refusing)).isPositive();
  }

  @Test
  void failoverMovesPastANodeThatResetsMidCall() {
    cluster.resetting("reset");
    cluster.start("good", "");
    XClient x = xclient(FailMode.FAILOVER, SelectMode.ROUND_ROBIN, noBreaker());

    for (int i = 0; i < 20; i++) {
      assertThat(x.call(ctx(), "Id", "k" + i, String.class)).isEqualTo("good");
    }
  }

  @Test
  void failoverGivesUpAfterRetriesPlusOneAttempts() {
    String refusing = cluster.refusing("down");
    Dials dials = new Dials();
    XClient x =
        xclient(FailMode.FAILOVER, SelectMode.RANDOM_SELECT, noBreaker().retries(2).plugin(dials));

    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(ConnectionException.class);
    assertThat(dials.failuresOf(refusing)).isEqualTo(3);
  }

  @Test
  void failoverNeverRetriesAServiceError() {
    cluster.start("a", "");
    cluster.start("b", "");
    XClient x = xclient(FailMode.FAILOVER, SelectMode.ROUND_ROBIN, noBreaker());

    assertThatThrownBy(() -> x.call(ctx(), "Fail", "k", String.class))
        .isInstanceOf(ServiceException.class)
        .hasMessageContaining("refuses");
    assertThat(cluster.node("a").service.calls() + cluster.node("b").service.calls()).isEqualTo(1);
  }

  @Test
  void failoverNeverRetriesPastTheCallersDeadline() {
    cluster.start("a", "");
    cluster.start("b", "");
    cluster.node("a").service.hold();
    cluster.node("b").service.hold();
    XClient x = xclient(FailMode.FAILOVER, SelectMode.ROUND_ROBIN, noBreaker());
    try {
      assertThatThrownBy(
              () ->
                  x.call(
                      Context.background().withTimeout(Duration.ofMillis(200)),
                      "Held",
                      "k",
                      String.class))
          .isInstanceOf(DeadlineExceededException.class);
      assertThat(cluster.node("a").service.calls() + cluster.node("b").service.calls())
          .isEqualTo(1);
    } finally {
      cluster.node("a").service.release();
      cluster.node("b").service.release();
    }
  }

  @Test
  void failtryRetriesTheSameNodeOnly() {
    String refusing = cluster.refusing("down");
    String good = cluster.start("good", "");
    Dials dials = new Dials();
    XClient x =
        xclient(FailMode.FAILTRY, SelectMode.RANDOM_SELECT, noBreaker().retries(3).plugin(dials));

    int failed = 0;
    for (int i = 0; i < 20; i++) {
      int before = dials.attempts.size();
      try {
        assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("good");
      } catch (ConnectionException e) {
        failed++;
        // Four attempts, every one at the refusing node.
        assertThat(dials.attempts.subList(before, dials.attempts.size()))
            .containsExactly(refusing, refusing, refusing, refusing);
      }
    }
    assertThat(failed).isBetween(1, 19); // random selection picked each node at least once
    assertThat(dials.attempts).contains(good);
  }

  @Test
  void failtryRetriesANodeThatResetsMidCallThenReturnsItsError() {
    String resetting = cluster.resetting("reset");
    Dials dials = new Dials();
    XClient x =
        xclient(FailMode.FAILTRY, SelectMode.RANDOM_SELECT, noBreaker().retries(2).plugin(dials));

    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(ConnectionException.class);
    // Each attempt dialed the node again, because the reset killed the connection.
    assertThat(dials.attempts).containsExactly(resetting, resetting, resetting);
  }

  @Test
  void failtryDoesNotRetryASlowNodePastTheDeadline() {
    cluster.start("slow", "");
    cluster.node("slow").service.hold();
    XClient x = xclient(FailMode.FAILTRY, SelectMode.RANDOM_SELECT, noBreaker());
    try {
      assertThatThrownBy(
              () ->
                  x.call(
                      Context.background().withTimeout(Duration.ofMillis(200)),
                      "Held",
                      "k",
                      String.class))
          .isInstanceOf(DeadlineExceededException.class);
      assertThat(cluster.node("slow").service.calls()).isEqualTo(1);
    } finally {
      cluster.node("slow").service.release();
    }
  }

  @Test
  void failtryRedialsANodeThatCameBack() throws Exception {
    cluster.start("flaky", "");
    String address = cluster.node("flaky").server.address();
    XClient x = xclient(FailMode.FAILTRY, SelectMode.RANDOM_SELECT, noBreaker());
    assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("flaky");

    cluster.kill("flaky");
    cluster.start("flaky", "", address, b -> {});

    assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("flaky");
  }

  @Test
  void failbackupReturnsTheFastNodesAnswer() {
    cluster.start("slow", "");
    cluster.start("fast", "");
    cluster.node("slow").service.hold();
    XClient x =
        xclient(
            FailMode.FAILBACKUP,
            SelectMode.ROUND_ROBIN,
            noBreaker().backupLatency(Duration.ofMillis(20)));
    try {
      // Round robin over [fast, slow] (sorted by key, so either order): every call has one
      // attempt on each node at most, and the answer must come from the fast one.
      for (int i = 0; i < 6; i++) {
        assertThat(x.call(ctx(), "Held", "k" + i, String.class)).isEqualTo("fast");
      }
      assertThat(cluster.node("slow").service.calls()).isPositive();
    } finally {
      cluster.node("slow").service.release();
    }
  }

  @Test
  void failbackupSendsTheBackupToAnotherNodeThanTheFirstRequest() {
    cluster.start("slow", "");
    cluster.start("fast", "");
    cluster.node("slow").service.hold();
    // Random selection picks the slow node for the first request about half the time; a backup
    // selected at random again would go to the slow node too in one call of four.
    XClient x =
        xclient(
            FailMode.FAILBACKUP,
            SelectMode.RANDOM_SELECT,
            noBreaker().backupLatency(Duration.ofMillis(20)));
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(x.call(ctx(), "Held", "k" + i, String.class)).isEqualTo("fast");
      }
      assertThat(cluster.node("slow").service.calls()).isPositive();
    } finally {
      cluster.node("slow").service.release();
    }
  }

  @Test
  void failbackupSendsTheBackupAtOnceWhenTheFirstNodeRefuses() {
    cluster.refusing("down");
    cluster.start("good", "");
    // A backup latency far beyond the deadline: only an immediate backup can answer in time.
    XClient x =
        xclient(
            FailMode.FAILBACKUP,
            SelectMode.ROUND_ROBIN,
            noBreaker().backupLatency(Duration.ofSeconds(30)));

    for (int i = 0; i < 6; i++) {
      assertThat(
              x.call(
                  Context.background().withTimeout(Duration.ofSeconds(5)), "Id", "k", String.class))
          .isEqualTo("good");
    }
  }

  @Test
  void failbackupFailsWhenBothRequestsFail() {
    cluster.refusing("down1");
    cluster.resetting("down2");
    XClient x = xclient(FailMode.FAILBACKUP, SelectMode.ROUND_ROBIN, noBreaker());

    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(ConnectionException.class);
  }

  @Test
  void noNodeIsAConnectionError() {
    MultipleServersDiscovery empty = cluster.closeAfter(new MultipleServersDiscovery(List.of()));
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node", FailMode.FAILOVER, SelectMode.RANDOM_SELECT, empty, ClientOptions.DEFAULT));

    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("can not find any server for Node");
  }

  @Test
  void retryIntervalSpacesTheAttempts() {
    String refusing = cluster.refusing("down");
    Dials dials = new Dials();
    XClient x =
        xclient(
            FailMode.FAILTRY,
            SelectMode.RANDOM_SELECT,
            noBreaker().retries(2).retryInterval(Duration.ofMillis(100)).plugin(dials));
    long start = System.nanoTime();

    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(ConnectionException.class);
    // Two pauses between three attempts: a lower bound, which no machine can undercut.
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(dials.failuresOf(refusing)).isEqualTo(3);
  }

  @Test
  void aRetryIntervalBeyondTheDeadlineFailsAtOnce() {
    cluster.refusing("down");
    XClient x =
        xclient(
            FailMode.FAILTRY,
            SelectMode.RANDOM_SELECT,
            noBreaker().retryInterval(Duration.ofSeconds(30)));

    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("connection refused");
  }

  @Test
  void closingTheXClientFailsACallWaitingToRetry() {
    cluster.refusing("down");
    XClient x =
        XClient.create(
            "Node",
            FailMode.FAILTRY,
            SelectMode.RANDOM_SELECT,
            cluster.discovery(),
            noBreaker().retryInterval(Duration.ofSeconds(30)).build());
    var future = x.callAsync(Context.background(), "Id", "k", String.class);
    x.close();

    assertThatThrownBy(() -> future.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionException.class);
  }
}
