package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClientOptions#callTimeout()}: a call whose context has no deadline still ends, on
 * {@link Client}, {@link XClient} and proxies, instead of waiting forever for a silent server.
 */
class CallTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  /** Never opened while a test runs: {@code Silent.Hold} does not answer in time. */
  private final CountDownLatch never = new CountDownLatch(1);

  @RegisterExtension
  final TestServer server =
      TestServer.create(b -> {}, s -> s.register("Silent", new Silent(never), ""));

  /** A service that answers only when the test lets it. */
  public static final class Silent {
    private final CountDownLatch open;

    Silent(CountDownLatch open) {
      this.open = open;
    }

    public void hold(Context ctx, Args args, Reply reply) throws InterruptedException {
      open.await(30, TimeUnit.SECONDS);
      reply.C = args.A;
    }
  }

  /** The shape a proxy user declares for {@code Silent}. */
  public interface SilentApi {
    Reply hold(Args args);
  }

  @AfterEach
  void release() {
    never.countDown();
  }

  @Test
  void theDefaultIsThirtySecondsAndZeroTurnsItOff() {
    assertThat(ClientOptions.DEFAULT.callTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ClientOptions.builder().callTimeout(Duration.ZERO).build().callTimeout()).isZero();
    assertThatThrownBy(() -> ClientOptions.builder().callTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClientCallWithoutADeadlineEndsAtTheCallTimeout() {
    Client client = server.connect(ClientOptions.builder().callTimeout(TIMEOUT).build());
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> client.call(Context.background(), "Silent", "Hold", new Args(1, 1), Reply.class))
        .isInstanceOf(DeadlineExceededException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(TIMEOUT);
    // The connection is still good: the timeout ended one call, not the client.
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class).C)
        .isEqualTo(6);
  }

  @Test
  void aContextDeadlineWinsOverTheCallTimeout() {
    Client client =
        server.connect(ClientOptions.builder().callTimeout(Duration.ofSeconds(30)).build());
    Context ctx = Context.background().withTimeout(TIMEOUT);
    assertThatThrownBy(() -> client.call(ctx, "Silent", "Hold", new Args(1, 1), Reply.class))
        .isInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void anXClientCallAndAProxyCallEndAtTheCallTimeout() {
    try (XClient x =
        XClient.create(
            "Silent",
            FailMode.FAILOVER,
            SelectMode.RANDOM_SELECT,
            new Peer2PeerDiscovery("tcp@" + server.address(), ""),
            ClientOptions.builder().callTimeout(TIMEOUT).build())) {
      assertThatThrownBy(() -> x.call(Context.background(), "Hold", new Args(1, 1), Reply.class))
          .isInstanceOf(DeadlineExceededException.class);
      assertThatThrownBy(() -> x.proxy(SilentApi.class).hold(new Args(1, 1)))
          .isInstanceOf(DeadlineExceededException.class);
    }
  }
}
