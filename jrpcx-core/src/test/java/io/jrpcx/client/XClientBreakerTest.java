package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.BreakerOpenException;
import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.client.XClientFailModeTest.Dials;
import io.jrpcx.client.breaker.ConsecutiveBreaker;
import io.jrpcx.testing.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-node breakers inside an XClient, in real time against real sockets. */
class XClientBreakerTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  /** A fresh ten-second deadline per call: a deadline is an instant, not a duration. */
  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  @Test
  @Timeout(60)
  void theDefaultBreakerOpensAtItsThresholdAndRecoversAfterItsWindow() {
    String down = cluster.refusing("down");
    Dials dials = new Dials();
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                cluster.discovery(),
                ClientOptions.DEFAULT.toBuilder().plugin(dials).build()));

    long start = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
          .isInstanceOf(ConnectionException.class)
          .isNotInstanceOf(BreakerOpenException.class);
    }
    long opened = System.nanoTime();
    // RateBreaker(0.95, 100): the 100th failure within the window opened it; calls now fail
    // without a dial.
    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(BreakerOpenException.class);
    assertThat(dials.failuresOf(down)).isEqualTo(100);

    // The node comes back on the same port; the breaker lets a probe through after its window.
    cluster.start("down", "", down.substring("tcp@".length()), b -> {});
    assertThatThrownBy(() -> x.call(ctx(), "Id", "k", String.class))
        .isInstanceOf(BreakerOpenException.class);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              try {
                return "down".equals(x.call(ctx(), "Id", "k", String.class));
              } catch (BreakerOpenException e) {
                return false;
              }
            });
    long recovered = System.nanoTime();
    System.out.printf(
        "default breaker: 100 dial failures in %d ms opened it; closed again"
            + " %d ms after opening%n",
        (opened - start) / 1_000_000, (recovered - opened) / 1_000_000);
    assertThat(Duration.ofNanos(recovered - opened))
        .isGreaterThanOrEqualTo(
            Duration.ofSeconds(9)); // a lower bound: it must not close before its window
    assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("down");
  }

  @Test
  void failoverSkipsANodeWhoseBreakerIsOpen() {
    String down = cluster.refusing("down");
    cluster.start("good", "");
    Dials dials = new Dials();
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                cluster.discovery(),
                ClientOptions.DEFAULT.toBuilder()
                    .plugin(dials)
                    .breaker(() -> new ConsecutiveBreaker(2, Duration.ofMinutes(1)))
                    .build()));

    for (int i = 0; i < 50; i++) {
      assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("good");
    }
    // Two refused dials opened the node's breaker; it was never dialed again.
    assertThat(dials.failuresOf(down)).isEqualTo(2);
  }
}
