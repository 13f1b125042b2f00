package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.testing.FaultReport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that accepts connections and then never reads from them: requests pile up in the
 * socket buffers until those are full, and nothing is ever answered. Callers must get their
 * deadline, not a stuck thread, and the client must still close cleanly.
 */
class StalledServerTest {
  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 5;

  /** Large enough that the requests fill both sockets' buffers many times over. */
  private static final int PAYLOAD = 256 * 1024;

  private ServerSocket stalled;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startStalledServer() throws Exception {
    stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!stalled.isClosed()) {
                try {
                  accepted.add(stalled.accept()); // and never read
                } catch (Exception e) {
                  return;
                }
              }
            },
            "stalled-server");
    t.setDaemon(true);
    t.start();
  }

  @AfterEach
  void stopStalledServer() throws Exception {
    stalled.close();
    for (Socket s : accepted) {
      s.close();
    }
  }

  @Test
  void deadlinesFireNoCallerStaysStuckAndTheClientClosesCleanly() throws Exception {
    Client client =
        new Client(ClientOptions.DEFAULT.toBuilder().serializeType(SerializeType.NONE).build());
    client.connect("tcp", "127.0.0.1:" + stalled.getLocalPort());
    ExecutorService callers = Executors.newFixedThreadPool(THREADS);
    List<Future<List<Throwable>>> outcomes = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        outcomes.add(
            callers.submit(
                () -> {
                  List<Throwable> errors = new ArrayList<>();
                  for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    Context ctx = Context.background().withTimeout(Duration.ofMillis(300));
                    try {
                      client.call(ctx, "Echo", "Echo", new byte[PAYLOAD], byte[].class);
                      errors.add(new AssertionError("a stalled server answered"));
                    } catch (RuntimeException e) {
                      errors.add(e);
                    }
                  }
                  return errors;
                }));
      }
      // Every calling thread finishes: none is stuck in a write to a full socket.
      int attempted = 0;
      int deadlines = 0;
      int finished = 0;
      for (Future<List<Throwable>> f : outcomes) {
        List<Throwable> errors = f.get(30, TimeUnit.SECONDS);
        finished++;
        for (Throwable e : errors) {
          attempted++;
          assertThat(e)
              .isInstanceOf(DeadlineExceededException.class)
              .hasMessageContaining("Echo.Echo");
          deadlines++;
        }
      }
      assertThat(finished).isEqualTo(THREADS);
      FaultReport.print(
          "server stops reading (all "
              + attempted
              + " calls end with "
              + "DeadlineExceededException, as they must)",
          attempted,
          deadlines,
          (long) THREADS * CALLS_PER_THREAD - attempted);
      // Deadlines do not end the connection; the server is stuck, not gone.
      assertThat(client.isShutdown()).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> !accepted.isEmpty());

      // Close returns at once even with megabytes of requests still queued for the socket.
      CompletableFuture<Void> closed = CompletableFuture.runAsync(client::close);
      closed.get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(client::isShutdown);
      assertThatThrownBy(
              () -> client.call(Context.background(), "Echo", "Echo", new byte[1], byte[].class))
          .isInstanceOf(ConnectionException.class)
          .hasMessage(ConnectionException.SHUT_DOWN);
    } finally {
      client.close();
      callers.shutdownNow();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
