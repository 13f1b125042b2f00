package io.jrpcx.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.RpcException;
import io.jrpcx.client.Client;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.FakeClock;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** rpcx's RateLimitingPlugin on a real server over loopback, refilled by a clock the test moves. */
class ConnectionRateLimitPluginTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  final FakeClock clock = new FakeClock();
  final ConnectionRateLimitPlugin limiter =
      new ConnectionRateLimitPlugin(new TokenBucket(MINUTE, 2, clock));

  @RegisterExtension final TestServer server = TestServer.create(b -> b.plugin(limiter), s -> {});

  private static int mul(Client client, int a, int b) {
    return client.call(
            Context.background().withTimeout(Duration.ofSeconds(5)),
            "Arith",
            "Mul",
            new Args(a, b),
            Reply.class)
        .C;
  }

  @Test
  void excessConnectionsAreClosedAndTheServerKeepsServingTheOthers() {
    Client first = server.connect();
    Client second = server.connect();
    assertThat(mul(first, 2, 3)).isEqualTo(6);
    assertThat(mul(second, 4, 5)).isEqualTo(20);

    Client third = server.connect();
    await().atMost(Duration.ofSeconds(5)).until(third::isShutdown);
    assertThatThrownBy(() -> mul(third, 1, 1)).isInstanceOf(RpcException.class);
    assertThat(limiter.rejected()).isEqualTo(1);

    assertThat(mul(first, 6, 7)).as("connections accepted before are untouched").isEqualTo(42);
    assertThat(mul(second, 7, 8)).isEqualTo(56);

    clock.advance(MINUTE);
    Client fourth = server.connect();
    assertThat(mul(fourth, 8, 9)).as("after one fill interval").isEqualTo(72);
    Client fifth = server.connect();
    await().atMost(Duration.ofSeconds(5)).until(fifth::isShutdown);
    assertThat(limiter.rejected()).isEqualTo(2);
  }

  @Test
  void aRefusedConnectionGetsNoByteBeforeItIsClosed() {
    server.connect();
    server.connect();
    // Connected is not yet accepted: the server counts each on its own network thread, in no
    // fixed order, so wait until both have their tokens before the third one comes.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.server().activeConnections().size() == 2);
    try (LoopbackSocket s = LoopbackSocket.connect(server.address(), null)) {
      assertThat(s.awaitClosedByServer()).as("bytes sent before closing").isZero();
    }
    assertThat(limiter.rejected()).isEqualTo(1);
  }

  @Test
  void factoryChecksItsArguments() {
    assertThatThrownBy(() -> ConnectionRateLimitPlugin.of(Duration.ofSeconds(-1), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fillInterval");
    assertThatThrownBy(() -> ConnectionRateLimitPlugin.of(MINUTE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
    assertThat(ConnectionRateLimitPlugin.of(MINUTE, 5))
        .hasToString("ConnectionRateLimitPlugin[capacity 5, one token per PT1M]");
  }
}
