package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Load;
import io.jrpcx.testing.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three servers, each in a JVM of its own; one is killed with SIGKILL while a Failover XClient
 * calls an idempotent method (Arith.Mul) from eight threads. The killed node stays listed, as it
 * would in a registry until its session or lease expires, so calls keep being sent to it and
 * keep being refused: Failover must hide all of it, including the calls that were in flight on
 * the node when it died.
 */
class ServerKilledTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeAfter(T c) {
    closeables.add(0, c);
    return c;
  }

  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  @Test
  void killingOneOfThreeServerJvmsMidLoadFailsNoIdempotentCall() throws Exception {
    // The victim holds Node.Held calls unanswered, so some are surely in flight when it dies.
    List<ChildJvm> children =
        List.of(ChildJvm.launch("a"), ChildJvm.launch("b", "hold"), ChildJvm.launch("c"));
    children.forEach(this::closeAfter);
    for (ChildJvm child : children) {
      child.awaitReady();
    }
    ChildJvm victim = children.get(1);
    List<KVPair> nodes = children.stream().map(c -> new KVPair(c.key(), "")).toList();
    MultipleServersDiscovery discovery = closeAfter(new MultipleServersDiscovery(nodes));
    Set<String> connected = ConcurrentHashMap.newKeySet();
    ClientOptions options =
        ClientOptions.DEFAULT.toBuilder()
            .plugin(
                (ClientPlugin.ConnectionCreated)
                    (network, address) -> connected.add(network + "@" + address))
            .build();
    XClient arith =
        closeAfter(
            XClient.create("Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, discovery, options));
    XClient node =
        closeAfter(
            XClient.create("Node", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, discovery, options));

    Load load =
        closeAfter(
            Load.start(
                "Mul",
                8,
                (thread, i) -> {
                  Args args = new Args(thread + 1, (int) (i % 10_000));
                  Reply r = arith.call(ctx(), "Mul", args, Reply.class);
                  if (r.C != args.A * args.B) {
                    throw new AssertionError(args + " gave " + r);
                  }
                  return null;
                }));
    load.awaitSucceeded(1_000);
    assertThat(connected)
        .as("every node served calls")
        .containsAll(nodes.stream().map(KVPair::key).toList());

    // Round robin over three nodes: two of these six go to the victim and stay in flight there.
    List<CompletableFuture<String>> inFlight = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      inFlight.add(node.callAsync(ctx(), "Held", "k" + i, String.class));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> victim.held() == 2);

    assertThat(victim.kill()).as("exit code of SIGKILL").isEqualTo(128 + 9);
    load.awaitSucceeded(2_000);
    Load.Result result = load.stop();
    int heldAnswered = 0;
    for (CompletableFuture<String> f : inFlight) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isIn("a", "c");
      heldAnswered++;
    }

    result =
        new Load.Result(
            result.name(),
            result.attempted() + inFlight.size(),
            result.succeeded() + heldAnswered,
            result.failed(),
            result.lost(),
            result.stuckThreads(),
            result.failures());
    result.report(
        "kill -9 of 1 of 3 server JVMs mid-load, 2 calls in flight on it (Failover,"
            + " Arith.Mul)");
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
  }
}
