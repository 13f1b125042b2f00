package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.protocol.Message;
import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.ServerPlugin;
import io.jrpcx.testing.Load;
import io.jrpcx.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One of three servers is shut down gracefully ({@code shutdown(Duration)}) while a Failover
 * XClient calls from twelve threads, four of them stuck in calls the server holds: the server
 * leaves the registry first, stops accepting and reading, answers every call it had accepted
 * (the held ones included, once released), and only then closes. No caller sees a failure, and
 * the server's own ledger shows that every request it read was answered.
 *
 * <p>That {@code Client.close()} fails pending calls at once with "connection is shut down" is
 * {@code ClientServerTest.closeFailsPendingCallsAtOnceWithShutdownError}.
 */
class GracefulShutdownUnderLoadTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  /** What one server read and answered, and its registry: removes the node when unregistered. */
  static final class Ledger
      implements ServerPlugin.PostReadRequest,
          ServerPlugin.PostWriteResponse,
          ServerPlugin.Register {
    final AtomicLong read = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong unanswered = new AtomicLong();
    final AtomicLong heldRead = new AtomicLong();
    final AtomicLong heldAnswered = new AtomicLong();
    final String name;
    final Map<String, KVPair> registry;
    final MultipleServersDiscovery discovery;

    Ledger(String name, Map<String, KVPair> registry, MultipleServersDiscovery discovery) {
      this.name = name;
      this.registry = registry;
      this.discovery = discovery;
    }

    @Override
    public void postReadRequest(ClientConnection c, Message request) {
      if (!request.isHeartbeat()) {
        read.incrementAndGet();
        if (request.serviceMethod().equals("Held")) {
          heldRead.incrementAndGet();
        }
      }
    }

    @Override
    public void postWriteResponse(ClientConnection c, Message req, Message res, Throwable e) {
      (e == null ? answered : unanswered).incrementAndGet();
      if (e == null && req.serviceMethod().equals("Held")) {
        heldAnswered.incrementAndGet();
      }
    }

    @Override
    public void register(String serviceName, Object service, String metadata) {}

    @Override
    public void unregister(String serviceName) {
      if (registry.remove(name) != null) {
        discovery.update(List.copyOf(registry.values()));
      }
    }
  }

  @Test
  void noCallIsLostAndEveryAcceptedCallIsAnswered() throws Exception {
    MultipleServersDiscovery discovery =
        cluster.closeAfter(new MultipleServersDiscovery(List.of()));
    Map<String, KVPair> registry = new ConcurrentHashMap<>();
    Map<String, Ledger> ledgers = new ConcurrentHashMap<>();
    for (String name : List.of("a", "b", "c")) {
      Ledger ledger = new Ledger(name, registry, discovery);
      ledgers.put(name, ledger);
      registry.put(name, new KVPair(cluster.start(name, "", b -> b.plugin(ledger)), ""));
    }
    discovery.update(List.copyOf(registry.values()));
    TestCluster.Node victim = cluster.node("b");
    Ledger ledger = ledgers.get("b");
    victim.service.hold();
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));

    Load.Result result;
    CompletableFuture<Boolean> drained;
    try (Load load =
        Load.start(
            "Id+Held",
            12,
            (thread, i) -> {
              // A generous deadline: the calls the victim holds wait for the test to release them.
              Context ctx = Context.background().withTimeout(Duration.ofSeconds(30));
              return x.call(ctx, thread < 4 ? "Held" : "Id", "k", String.class);
            })) {
      load.awaitAnswered("a", 500).awaitAnswered("c", 500);
      // The four Held threads end up waiting on the victim (a and c answer Held at once).
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ledger.heldRead.get() - ledger.heldAnswered.get() == 4);
      long heldAnswered = ledger.heldAnswered.get();

      drained = CompletableFuture.supplyAsync(() -> victim.server.shutdown(Duration.ofSeconds(20)));
      await().atMost(Duration.ofSeconds(10)).until(() -> x.servers().size() == 2);
      load.awaitAnswered("a", 500).awaitAnswered("c", 500);
      assertThat(drained).as("shutdown waits for the held calls").isNotDone();

      victim.service.release();
      assertThat(drained.get(20, TimeUnit.SECONDS)).as("drained in time").isTrue();
      assertThat(ledger.heldAnswered.get() - heldAnswered)
          .as("calls held in flight, answered by the victim while it drained")
          .isEqualTo(4);
      load.awaitAnswered("a", 500).awaitAnswered("c", 500);
      result = load.stop();
    }
    result.report(
        "graceful shutdown(20 s) of 1 of 3 servers under load, 4 calls in flight on"
            + " it (Failover); server read "
            + ledger.read.get()
            + " requests, answered "
            + ledger.answered.get());
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
    assertThat(ledger.unanswered.get()).as("responses the victim could not write").isZero();
    assertThat(ledger.answered.get())
        .as("every request the victim read was answered")
        .isEqualTo(ledger.read.get());
  }
}
