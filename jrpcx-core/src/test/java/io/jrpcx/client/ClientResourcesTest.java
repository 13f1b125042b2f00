package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What clients cost and what they hand out: shared threads, read-only futures. */
class ClientResourcesTest {
  /** Holds {@code Gate.Pass} calls until the test opens it, so a call is surely in flight. */
  private final CountDownLatch gate = new CountDownLatch(1);

  @RegisterExtension
  final TestServer server = TestServer.create(b -> {}, s -> s.register("Gate", new Gate(gate), ""));

  /** A service whose calls wait for the test's latch. */
  public static final class Gate {
    private final CountDownLatch open;

    Gate(CountDownLatch open) {
      this.open = open;
    }

    public void pass(Context ctx, Args args, Reply reply) throws InterruptedException {
      open.await(10, TimeUnit.SECONDS);
      reply.C = args.A;
    }
  }

  @Test
  void xClientsThatArmTimersStartNoThreadsOfTheirOwn() {
    // FAILBACKUP arms a backup timer on every call: each XClient used to start a timer thread.
    ClientOptions options = ClientOptions.builder().backupLatency(Duration.ofSeconds(30)).build();
    long before = clientThreads();
    List<XClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        XClient x =
            XClient.create(
                "Arith",
                FailMode.FAILBACKUP,
                SelectMode.RANDOM_SELECT,
                new Peer2PeerDiscovery("tcp@" + server.address(), ""),
                options);
        clients.add(x);
        assertThat(x.call(Context.background(), "Mul", new Args(i, 2), Reply.class).C)
            .isEqualTo(2 * i);
      }
      assertThat(clientThreads() - before).isLessThan(16);
    } finally {
      clients.forEach(XClient::close);
    }
  }

  @Test
  void aCallersFutureCannotAnswerTheCallButCanAbandonIt() throws Exception {
    Client client = server.connect(ClientOptions.DEFAULT);
    Call<Reply> call = client.go(Context.background(), "Arith", "Mul", new Args(6, 7), Reply.class);
    assertThatThrownBy(() -> call.done().complete(new Reply()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> call.done().completeExceptionally(new RuntimeException()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> call.done().obtrudeValue(new Reply()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> call.done().orTimeout(1, TimeUnit.SECONDS))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(call.done().get(10, TimeUnit.SECONDS).C).isEqualTo(42);
    // Dependents are ordinary futures, which their owner may complete.
    assertThat(call.done().thenApply(r -> r.C).complete(0)).isFalse();

    // The gate holds the call on the server, so the cancel cannot race its answer.
    Call<Reply> abandoned =
        client.go(Context.background(), "Gate", "Pass", new Args(1, 1), Reply.class);
    assertThat(abandoned.done().cancel(false)).isTrue();
    assertThat(abandoned.done().isCancelled()).isTrue();
    gate.countDown();
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class).C)
        .isEqualTo(6);
  }

  /** Live threads, less the test server's (its handler pool grows to its size, one per call). */
  private static long clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.getName().startsWith("jrpcx-handler"))
        .filter(t -> !t.getName().startsWith("jrpcx-server"))
        .count();
  }
}
