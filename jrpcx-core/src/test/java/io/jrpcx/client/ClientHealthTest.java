package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.BreakerOpenException;
import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.ServiceException;
import io.jrpcx.client.breaker.ConsecutiveBreaker;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client behaviour against a peer that accepts connections and reads everything but never
 * answers: a hung server, or a half-open connection.
 */
class ClientHealthTest {
  private ServerSocket silent;
  private final CompletableFuture<Socket> accepted = new CompletableFuture<>();

  @BeforeEach
  void startSilentPeer() throws Exception {
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              try (Socket s = silent.accept();
                  InputStream in = s.getInputStream()) {
                accepted.complete(s);
                byte[] sink = new byte[4096];
                while (in.read(sink) >= 0) {
                  // swallow requests, answer nothing
                }
              } catch (Exception e) {
                accepted.completeExceptionally(e);
              }
            },
            "silent-peer");
    t.setDaemon(true);
    t.start();
  }

  @AfterEach
  void stopSilentPeer() throws Exception {
    silent.close();
    if (accepted.isDone() && !accepted.isCompletedExceptionally()) {
      accepted.get().close();
    }
  }

  private String address() {
    return "127.0.0.1:" + silent.getLocalPort();
  }

  @Test
  void unansweredHeartbeatClosesTheConnectionAndFailsPendingCalls() {
    Client client =
        new Client(
            ClientOptions.DEFAULT.toBuilder()
                .heartbeat(Duration.ofMillis(100))
                .maxWaitForHeartbeat(Duration.ofMillis(300))
                .build());
    try {
      client.connect("tcp", address());
      Call<Reply> pending =
          client.go(Context.background(), "Arith", "Mul", new Args(1, 2), Reply.class);
      await().atMost(Duration.ofSeconds(10)).until(client::isShutdown);
      assertThat(client.isClosing()).isFalse();
      assertThatThrownBy(pending::await)
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("heartbeat failed");
    } finally {
      client.close();
    }
  }

  @Test
  void timeoutsTripTheBreakerWhichThenRefusesCallsWithoutSendingThem() {
    Client client =
        new Client(
            ClientOptions.DEFAULT.toBuilder()
                .breaker(() -> new ConsecutiveBreaker(3, Duration.ofMinutes(1)))
                .build());
    try {
      client.connect("tcp", address());
      Context shortDeadline = Context.background().withTimeout(Duration.ofMillis(50));
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(
                () -> client.call(shortDeadline, "Arith", "Mul", new Args(1, 2), Reply.class))
            .isInstanceOf(DeadlineExceededException.class);
      }
      assertThatThrownBy(
              () -> client.call(Context.background(), "Arith", "Mul", new Args(1, 2), Reply.class))
          .isInstanceOf(BreakerOpenException.class)
          .hasMessageContaining("breaker open");
    } finally {
      client.close();
    }
  }

  @Test
  void defaultOptionsMirrorGoDefaultOption() {
    ClientOptions d = ClientOptions.DEFAULT;
    assertThat(d.serializeType()).isEqualTo(io.jrpcx.codec.SerializeType.MSGPACK);
    assertThat(d.compressType()).isEqualTo(io.jrpcx.protocol.CompressType.NONE);
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.idleTimeout()).isZero();
    assertThat(d.heartbeat()).isFalse();
    assertThat(d.maxWaitForHeartbeat()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.tcpKeepAlivePeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.breakerFactory().get()).isInstanceOf(io.jrpcx.client.breaker.RateBreaker.class);
    assertThat(d.breakerFactory().get()).isNotSameAs(d.breakerFactory().get());
  }

  @Test
  void serviceErrorsDoNotCountAgainstTheBreaker() throws Exception {
    io.jrpcx.server.Server server = io.jrpcx.server.Server.builder().build();
    server.register("Arith", new io.jrpcx.testing.ArithService(), "");
    server.start("tcp", "127.0.0.1:0");
    Client client =
        new Client(
            ClientOptions.DEFAULT.toBuilder()
                .breaker(() -> new ConsecutiveBreaker(2, Duration.ofMinutes(1)))
                .build());
    try {
      client.connect("tcp", server.address());
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(
                () ->
                    client.call(
                        Context.background(), "Arith", "Error", new Args(1, 2), Reply.class))
            .isInstanceOf(ServiceException.class);
      }
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(3, 3), Reply.class).C)
          .isEqualTo(9);
    } finally {
      client.close();
      server.close();
    }
  }

  @Test
  void cancellingACallAbandonsItAndTheConnectionStaysUsable() throws Exception {
    Client client = new Client();
    try {
      client.connect("tcp", address());
      Call<Reply> call =
          client.go(Context.background(), "Arith", "Mul", new Args(1, 2), Reply.class);
      assertThat(call.done().cancel(false)).isTrue();
      assertThatThrownBy(call::await).hasMessageContaining("cancelled");
      assertThat(client.isShutdown()).isFalse();
      accepted.get(5, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }
}
