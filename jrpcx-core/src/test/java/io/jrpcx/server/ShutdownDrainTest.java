package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code shutdown(Duration)} against a request that is being read at the very moment reading
 * stops: it was read, so it must be answered before the connection closes.
 */
class ShutdownDrainTest {

  /** Whether a TCP connect to {@code address} is refused, i.e. nobody listens any more. */
  private static boolean refuses(String address) {
    int colon = address.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
          1000);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void aRequestStillBeingReadWhenShutdownStopsReadingIsAnswered() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    // The plugin runs on the connection's network thread while the request is being read:
    // holding it there keeps the read in progress while shutdown goes on.
    Server server =
        Server.builder()
            .ioThreads(2) // the listener on one network thread, the connection on the other
            .plugin(
                (ServerPlugin.PostReadRequest)
                    (connection, request) -> {
                      if (request.serviceMethod().equals("Mul") && reading.getCount() > 0) {
                        reading.countDown();
                        proceed.await(10, TimeUnit.SECONDS);
                      }
                    })
            .build();
    server.register("Arith", new ArithService(), "");
    server.start("tcp", "127.0.0.1:0");
    String address = server.address();
    try (Client client = new Client()) {
      client.connect("tcp", address);
      Call<Reply> call =
          client.go(
              Context.background().withTimeout(Duration.ofSeconds(20)),
              "Arith",
              "Mul",
              new Args(4, 5),
              Reply.class);
      assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

      AtomicReference<Thread> shutdownThread = new AtomicReference<>();
      CompletableFuture<Boolean> drained =
          CompletableFuture.supplyAsync(
              () -> {
                shutdownThread.set(Thread.currentThread());
                return server.shutdown(Duration.ofSeconds(20));
              });
      // Shutdown has stopped accepting and is now waiting for something; let the read finish.
      await().atMost(Duration.ofSeconds(10)).until(() -> refuses(address));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                Thread t = shutdownThread.get();
                return t != null
                    && (t.getState() == Thread.State.WAITING
                        || t.getState() == Thread.State.TIMED_WAITING);
              });
      proceed.countDown();

      assertThat(call.await().C).isEqualTo(20);
      assertThat(drained.get(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      proceed.countDown();
      server.close();
    }
  }

  @Test
  void shutdownOnSignalIsSetOnceAndNotOnAClosedServer() {
    Server server = Server.builder().build();
    server.start("tcp", "127.0.0.1:0");
    try {
      assertThat(server.shutdownOnSignal(Duration.ofSeconds(1))).isSameAs(server);
      assertThatThrownBy(() -> server.shutdownOnSignal(Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already");
    } finally {
      server.close();
    }
    assertThatThrownBy(() -> server.shutdownOnSignal(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
