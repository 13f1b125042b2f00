package io.jrpcx.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.FakeClock;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * rpcx's ReqRateLimitingPlugin on a real server over loopback; the bucket refills by a clock the
 * test moves, so nothing here depends on how fast the machine is.
 */
class RequestRateLimitPluginTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  private static int mul(Client client, int a, int b) {
    return client.call(Context.background(), "Arith", "Mul", new Args(a, b), Reply.class).C;
  }

  private static void assertRateLimited(Client client) {
    assertThatThrownBy(() -> mul(client, 2, 3))
        .isInstanceOf(ServiceException.class)
        .hasMessage("request reached rate limit");
  }

  @Nested
  class Rejecting {
    final FakeClock clock = new FakeClock();
    final RequestRateLimitPlugin limiter =
        new RequestRateLimitPlugin(new TokenBucket(SECOND, 3, clock), -1, null);

    @RegisterExtension final TestServer server = TestServer.create(b -> b.plugin(limiter), s -> {});

    @Test
    void overLimitRequestsGetRpcxsErrorAndTheConnectionStaysUsable() {
      Client client = server.connect();
      assertThat(mul(client, 1, 1)).isEqualTo(1);
      assertThat(mul(client, 2, 2)).isEqualTo(4);
      assertThat(mul(client, 3, 3)).isEqualTo(9);
      assertRateLimited(client);
      assertRateLimited(client);
      assertThat(client.isShutdown()).as("client shut down").isFalse();
      assertThat(limiter.rejected()).isEqualTo(2);

      clock.advance(SECOND);
      assertThat(mul(client, 6, 7))
          .as("after one fill interval, on the same connection")
          .isEqualTo(42);
      assertRateLimited(client);
      assertThat(limiter.rejected()).isEqualTo(3);
    }

    @Test
    void theBucketIsOneForTheWholeServer() {
      Client first = server.connect();
      Client second = server.connect();
      assertThat(mul(first, 1, 1)).isEqualTo(1);
      assertThat(mul(second, 2, 2)).isEqualTo(4);
      assertThat(mul(first, 3, 3)).isEqualTo(9);
      assertRateLimited(second);
      assertRateLimited(first);
      clock.advance(Duration.ofSeconds(2));
      assertThat(mul(second, 6, 7)).isEqualTo(42);
      assertThat(mul(first, 6, 7)).isEqualTo(42);
      assertRateLimited(second);
    }

    @Test
    void onTheWireTheRejectionIsAnRpcxErrorResponseAndHeartbeatsAreNotCounted() {
      try (LoopbackSocket s = LoopbackSocket.connect(server.address(), null)) {
        for (int seq = 1; seq <= 3; seq++) {
          Message ok = call(s, seq);
          assertThat(ok.isError()).isFalse();
        }
        Message rejected = call(s, 4);
        assertThat(rejected.isResponse()).isTrue();
        assertThat(rejected.seq()).isEqualTo(4);
        assertThat(rejected.isError()).isTrue();
        assertThat(rejected.servicePath()).isEqualTo("Arith");
        assertThat(rejected.serviceMethod()).isEqualTo("Mul");
        assertThat(rejected.metadata())
            .containsExactly(java.util.Map.entry(Message.ERROR_KEY, "request reached rate limit"));

        for (int seq = 5; seq <= 20; seq++) {
          s.send(
              new Message().setSeq(seq).setHeartbeat(true).setSerializeType(SerializeType.MSGPACK));
          Message echo = s.readMessage();
          assertThat(echo.seq()).isEqualTo(seq);
          assertThat(echo.isHeartbeat()).isTrue();
          assertThat(echo.isError()).as("heartbeat %d answered as an error", seq).isFalse();
        }
        clock.advance(SECOND);
        assertThat(call(s, 21).isError()).as("the refilled token went to the call").isFalse();
      }
      assertThat(limiter.rejected()).isEqualTo(1);
    }

    private Message call(LoopbackSocket s, long seq) {
      s.send(
          new Message()
              .setSeq(seq)
              .setServicePath("Arith")
              .setServiceMethod("Mul")
              .setSerializeType(SerializeType.JSON)
              .setPayload("{\"A\":6,\"B\":7}".getBytes(StandardCharsets.UTF_8)));
      Message response = s.readMessage();
      assertThat(response.seq()).isEqualTo(seq);
      return response;
    }
  }

  @Nested
  class Waiting {
    final FakeClock clock = new FakeClock();

    /** Each wait as asked for, and the thread that waited. */
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    final List<String> waitingThreads = new CopyOnWriteArrayList<>();
    volatile boolean timePassesWhileWaiting = true;

    final RequestRateLimitPlugin limiter =
        RequestRateLimitPlugin.waiting(
            new TokenBucket(SECOND, 1, clock),
            Duration.ofMillis(1_500),
            nanos -> {
              waits.add(Duration.ofNanos(nanos));
              waitingThreads.add(Thread.currentThread().getName());
              if (timePassesWhileWaiting) {
                clock.advance(Duration.ofNanos(nanos));
              }
            });

    @RegisterExtension final TestServer server = TestServer.create(b -> b.plugin(limiter), s -> {});

    @Test
    void requestsOverTheLimitWaitForTheNextTokenOnAHandlerThread() {
      Client client = server.connect();
      assertThat(mul(client, 1, 1)).isEqualTo(1);
      assertThat(mul(client, 2, 2)).isEqualTo(4);
      assertThat(mul(client, 3, 3)).isEqualTo(9);
      assertThat(waits).as("waits").containsExactly(SECOND, SECOND);
      assertThat(waitingThreads).allSatisfy(name -> assertThat(name).startsWith("jrpcx-handler"));
      assertThat(limiter.isWaiting()).isTrue();
      assertThat(limiter.rejected()).isZero();
    }

    @Test
    void aRequestWhoseTokenComesAfterMaxWaitIsRejectedAndTakesNoToken() {
      timePassesWhileWaiting = false;
      Client client = server.connect();
      assertThat(mul(client, 1, 1)).isEqualTo(1);
      assertThat(mul(client, 2, 2)).as("waits 1 s <= 1.5 s").isEqualTo(4);
      assertRateLimited(client); // its token would come in 2 s > 1.5 s
      assertThat(waits).containsExactly(SECOND);
      assertThat(limiter.rejected()).isEqualTo(1);

      clock.advance(Duration.ofSeconds(2));
      assertThat(mul(client, 6, 7)).as("the token of tick 2, on the same connection").isEqualTo(42);
      assertThat(waits).as("no wait for it").containsExactly(SECOND);
    }

    @Test
    void neverWaitsPastTheCallersDeadline() {
      Client client = server.connect();
      assertThat(mul(client, 1, 1)).isEqualTo(1);
      // The next token is 1 s away; a caller with 500 ms left is told at once instead of timing
      // out at its deadline.
      assertThatThrownBy(
              () ->
                  client.call(
                      Context.background().withTimeout(Duration.ofMillis(500)),
                      "Arith",
                      "Mul",
                      new Args(2, 3),
                      Reply.class))
          .isInstanceOf(ServiceException.class)
          .hasMessage("request reached rate limit");
      assertThat(waits).isEmpty();
      clock.advance(SECOND);
      assertThat(mul(client, 6, 7)).as("the rejected call spent no token").isEqualTo(42);
      assertThat(waits).isEmpty();
    }
  }

  @Nested
  class WaitingWhenCallsRunOnTheNetworkThread {
    final FakeClock clock = new FakeClock();
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final RequestRateLimitPlugin limiter =
        RequestRateLimitPlugin.waiting(
            new TokenBucket(SECOND, 1, clock),
            Duration.ofMinutes(1),
            nanos -> waits.add(Duration.ofNanos(nanos)));

    /** An executor that runs each call on the thread that read it: the event loop. */
    @RegisterExtension
    final TestServer server =
        TestServer.create(b -> b.plugin(limiter).executor(Runnable::run), s -> {});

    @Test
    void neverSleepsThereAndRejectsInstead() {
      Client client = server.connect();
      assertThat(mul(client, 1, 1)).isEqualTo(1);
      assertRateLimited(client);
      assertThat(waits).as("waits on the event loop").isEmpty();
      clock.advance(SECOND);
      assertThat(mul(client, 6, 7)).isEqualTo(42);
    }
  }

  @Test
  void factoriesCheckTheirArguments() {
    assertThatThrownBy(() -> RequestRateLimitPlugin.of(Duration.ZERO, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequestRateLimitPlugin.of(SECOND, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequestRateLimitPlugin.waiting(SECOND, 1, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RequestRateLimitPlugin.of(SECOND, 10).isWaiting()).isFalse();
    assertThat(RequestRateLimitPlugin.waiting(SECOND, 10, Duration.ZERO).isWaiting()).isTrue();
    assertThat(RequestRateLimitPlugin.of(Duration.ofMillis(10), 100))
        .hasToString("RequestRateLimitPlugin[capacity 100, one token per PT0.01S, rejecting]");
  }
}
