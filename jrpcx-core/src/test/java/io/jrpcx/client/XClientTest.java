package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.RpcName;
import io.jrpcx.ServiceException;
import io.jrpcx.client.discovery.InProcessDiscovery;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.server.Server;
import io.jrpcx.server.ServerContext;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The XClient as a user meets it: calls, auth, proxies, in-process nodes, pools, load. */
class XClientTest {
  @RegisterExtension final TestCluster cluster = new TestCluster();

  /** A fresh ten-second deadline per call: a deadline is an instant, not a duration. */
  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  /** The typed view of {@code Arith} a user would write. */
  public interface ArithApi {
    Reply mul(Args args);

    Reply mul(Context ctx, Args args);

    @RpcName("Mul")
    CompletableFuture<Reply> mulAsync(Args args);

    void add(Args args);

    Reply div(Args args);
  }

  private XClient arith(FailMode mode, SelectMode select, ClientOptions options) {
    return cluster.closeAfter(XClient.create("Arith", mode, select, cluster.discovery(), options));
  }

  @Test
  void callsGoAndOneshotsReachTheService() throws Exception {
    cluster.start("a", "");
    XClient x = arith(FailMode.FAILFAST, SelectMode.RANDOM_SELECT, ClientOptions.DEFAULT);

    assertThat(x.call(ctx(), "Mul", new Args(10, 20), Reply.class).C).isEqualTo(200);
    Call<Reply> call = x.go(ctx(), "Mul", new Args(3, 4), Reply.class);
    assertThat(call.done().get(10, TimeUnit.SECONDS).C).isEqualTo(12);
    assertThat(x.callAsync(ctx(), "Add", new Args(3, 4), Reply.class).get(10, TimeUnit.SECONDS).C)
        .isEqualTo(7);
    x.oneshot(ctx(), "Mul", new Args(1, 1));
    assertThatThrownBy(() -> x.call(ctx(), "Div", new Args(1, 0), Reply.class))
        .isInstanceOf(ServiceException.class)
        .hasMessage("divide by zero");
  }

  @Test
  void authTokenIsSentWithEveryCallAndCheckedByTheServer() {
    cluster.start(
        "secure",
        "",
        b ->
            b.authenticator(
                (conn, request, token) -> {
                  if (!"secret".equals(token)) {
                    throw new SecurityException("invalid token");
                  }
                }));
    XClient x = arith(FailMode.FAILOVER, SelectMode.RANDOM_SELECT, ClientOptions.DEFAULT);

    assertThatThrownBy(() -> x.call(ctx(), "Mul", new Args(2, 3), Reply.class))
        .isInstanceOf(ServiceException.class)
        .hasMessageContaining("invalid token");
    x.auth("wrong");
    assertThatThrownBy(() -> x.call(ctx(), "Mul", new Args(2, 3), Reply.class))
        .isInstanceOf(ServiceException.class)
        .hasMessageContaining("invalid token");
    x.auth("secret");
    assertThat(x.call(ctx(), "Mul", new Args(2, 3), Reply.class).C).isEqualTo(6);
    assertThat(x.broadcast(ctx(), "Mul", new Args(2, 3), Reply.class).C).isEqualTo(6);
  }

  @Test
  void aDeadlineIsSentAsServerTimeoutAndAuthAsAuth() {
    cluster.start("a", "");
    XClient x = arith(FailMode.FAILFAST, SelectMode.RANDOM_SELECT, ClientOptions.DEFAULT);
    x.auth("token-1");

    Call<Reply> call =
        x.go(
            Context.background().withTimeout(Duration.ofSeconds(5)),
            "MulMeta",
            new Args(2, 2),
            Reply.class);
    call.await();

    Map<String, String> echoed = call.responseMetadata();
    assertThat(echoed).containsEntry("__AUTH", "token-1");
    assertThat(Long.parseLong(echoed.get("__ServerTimeout"))).isBetween(1L, 5000L);
  }

  @Test
  void aTypedProxyCallsSynchronouslyAndAsynchronously() throws Exception {
    cluster.start("a", "");
    XClient x = arith(FailMode.FAILOVER, SelectMode.RANDOM_SELECT, ClientOptions.DEFAULT);
    ArithApi api = x.proxy(ArithApi.class);

    assertThat(api.mul(new Args(10, 20)).C).isEqualTo(200);
    assertThat(api.mul(ctx(), new Args(6, 7)).C).isEqualTo(42);
    assertThat(api.mulAsync(new Args(5, 5)).get(10, TimeUnit.SECONDS).C).isEqualTo(25);
    api.add(new Args(1, 2));
    assertThatThrownBy(() -> api.div(new Args(1, 0))).isInstanceOf(ServiceException.class);
    assertThat(api.toString()).contains("ArithApi");
    assertThatThrownBy(() -> x.proxy(String.class)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @Timeout(120)
  void thirtyTwoThreadsShareOneXClientOverThreeNodes() throws Exception {
    cluster.start("a", "");
    cluster.start("b", "");
    cluster.start("c", "");
    XClient x = arith(FailMode.FAILOVER, SelectMode.ROUND_ROBIN, ClientOptions.DEFAULT);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  int correct = 0;
                  for (int i = 0; i < 1000; i++) {
                    if (x.call(ctx(), "Mul", new Args(thread, i), Reply.class).C == thread * i) {
                      correct++;
                    }
                  }
                  return correct;
                }));
      }
      for (Future<Integer> r : results) {
        assertThat(r.get(100, TimeUnit.SECONDS)).isEqualTo(1000);
      }
    } finally {
      pool.shutdownNow();
    }
    // One connection per node, however many threads.
    assertThat(cluster.node("a").server.activeConnections()).hasSize(1);
    assertThat(cluster.node("b").server.activeConnections()).hasSize(1);
    assertThat(cluster.node("c").server.activeConnections()).hasSize(1);
  }

  @Test
  void concurrentFirstCallsShareOneDial() throws Exception {
    cluster.start("a", "");
    AtomicInteger dials = new AtomicInteger();
    XClient x =
        arith(
            FailMode.FAILFAST,
            SelectMode.RANDOM_SELECT,
            ClientOptions.DEFAULT.toBuilder()
                .plugin((ClientPlugin.ConnectionCreated) (n, a) -> dials.incrementAndGet())
                .build());
    ExecutorService pool = Executors.newFixedThreadPool(16);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int n = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return x.call(ctx(), "Mul", new Args(n, 2), Reply.class).C;
                }));
      }
      start.countDown();
      for (int t = 0; t < 16; t++) {
        assertThat(results.get(t).get(30, TimeUnit.SECONDS)).isEqualTo(t * 2);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(dials.get()).isEqualTo(1);
    assertThat(cluster.node("a").server.activeConnections()).hasSize(1);
  }

  @Test
  @Timeout(120)
  void failoverLosesNoCallWhenOneOfThreeNodesIsKilledUnderLoad() throws Exception {
    cluster.start("a", "");
    cluster.start("b", "");
    cluster.start("c", "");
    XClient x = arith(FailMode.FAILOVER, SelectMode.ROUND_ROBIN, ClientOptions.DEFAULT);
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Throwable> firstErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      workers.add(
          pool.submit(
              () -> {
                int i = 0;
                while (!stop.get()) {
                  try {
                    if (x.call(ctx(), "Mul", new Args(i, 3), Reply.class).C != i * 3) {
                      failed.incrementAndGet();
                    }
                  } catch (RuntimeException e) {
                    if (failed.incrementAndGet() <= 3) {
                      firstErrors.add(e);
                    }
                  }
                  done.incrementAndGet();
                  i++;
                }
              }));
    }
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= 3000);
      cluster.kill("b");
      int atKill = done.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= atKill + 6000);
    } finally {
      stop.set(true);
      pool.shutdown();
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }
    }
    System.out.printf(
        "failover with one of 3 nodes killed under load: %d failed of %d%n",
        failed.get(), done.get());
    assertThat(failed.get()).as("failed calls; the first errors: %s", firstErrors).isZero();
  }

  @Test
  void inProcessNodesAreCalledWithoutOpeningASocket() throws Exception {
    Server one = Server.builder().build();
    Server two = Server.builder().build();
    one.register("Arith", new ArithService(), "weight=1");
    two.register("Arith", new ArithService(), "weight=2");
    one.start("inprocess", "arith-one-" + System.nanoTime());
    two.start("inprocess", "arith-two-" + System.nanoTime());
    cluster.closeAfter(one);
    cluster.closeAfter(two);
    long socketsBefore = openSockets();
    InProcessDiscovery discovery = cluster.closeAfter(new InProcessDiscovery("Arith", one, two));
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Arith",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));

    for (int i = 0; i < 10; i++) {
      assertThat(x.call(ctx(), "Mul", new Args(i, 7), Reply.class).C).isEqualTo(i * 7);
    }

    assertThat(x.servers()).extracting(p -> p.key()).allMatch(k -> k.startsWith("inprocess@"));
    assertThat(one.activeConnections()).hasSize(1);
    assertThat(two.activeConnections()).hasSize(1);
    assertThat(openSockets()).isLessThanOrEqualTo(socketsBefore);
  }

  @Test
  void inProcessDiscoveryRefusesAServerOnTcp() {
    cluster.start("a", "");
    assertThatThrownBy(() -> new InProcessDiscovery("Arith", cluster.node("a").server))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inprocess");
  }

  /** Sockets this process has open, from /proc: an in-process call must not add any. */
  private static long openSockets() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                  return false; // closed while listing
                }
              })
          .count();
    }
  }

  @Test
  void oneClientMakesOneXClientPerService() {
    String a = cluster.start("a", "");
    Peer2PeerDiscovery template = cluster.closeAfter(new Peer2PeerDiscovery(a, ""));
    OneClient one =
        cluster.closeAfter(
            OneClient.create(
                FailMode.FAILOVER, SelectMode.RANDOM_SELECT, template, ClientOptions.DEFAULT));

    assertThat(one.call(ctx(), "Arith", "Mul", new Args(10, 20), Reply.class).C).isEqualTo(200);
    assertThat(one.call(ctx(), "Node", "Id", "k", String.class)).isEqualTo("a");
    assertThat(one.xclient("Arith")).isSameAs(one.xclient("Arith"));
    assertThat(one.xclient("Arith")).isNotSameAs(one.xclient("Node"));
    assertThat(one.proxy("Arith", ArithApi.class).mul(new Args(2, 2)).C).isEqualTo(4);

    one.close();
    assertThatThrownBy(() -> one.xclient("Arith")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anXClientPoolHandsOutItsClientsInTurn() {
    cluster.start("a", "");
    MultipleServersDiscovery discovery = cluster.discovery();
    XClientPool pool =
        cluster.closeAfter(
            XClientPool.create(
                3,
                "Arith",
                FailMode.FAILOVER,
                SelectMode.RANDOM_SELECT,
                discovery,
                ClientOptions.DEFAULT));
    Map<XClient, Integer> seen = new ConcurrentHashMap<>();

    for (int i = 0; i < 9; i++) {
      XClient x = pool.get();
      seen.merge(x, 1, Integer::sum);
      assertThat(x.call(ctx(), "Mul", new Args(i, 2), Reply.class).C).isEqualTo(i * 2);
    }

    assertThat(seen).hasSize(3).allSatisfy((x, n) -> assertThat(n).isEqualTo(3));
    assertThat(cluster.node("a").server.activeConnections()).hasSize(3);
  }

  /** Answers with the client's port as the server sees it: which connection the call came on. */
  public static class Who {
    public void port(ServerContext ctx, Args args, Reply reply) {
      reply.C = ((InetSocketAddress) ctx.connection().remoteAddress()).getPort();
    }
  }

  @Test
  void connectionsPerNodeSpreadsCallsOverThatManyConnectionsInTurn() {
    cluster.start("a", "");
    Server server = cluster.node("a").server;
    server.register("Who", new Who(), "");
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Who",
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                cluster.discovery(),
                ClientOptions.DEFAULT.toBuilder().connectionsPerNode(4).build()));
    Map<Integer, Integer> callsPerConnection = new ConcurrentHashMap<>();

    for (int i = 0; i < 12; i++) {
      int port = x.call(ctx(), "Port", new Args(i, 1), Reply.class).C;
      callsPerConnection.merge(port, 1, Integer::sum);
    }

    assertThat(callsPerConnection).hasSize(4).allSatisfy((port, n) -> assertThat(n).isEqualTo(3));
    assertThat(server.activeConnections())
        .hasSize(4)
        .extracting(c -> ((InetSocketAddress) c.remoteAddress()).getPort())
        .containsExactlyInAnyOrderElementsOf(callsPerConnection.keySet());

    x.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.activeConnections().isEmpty());
  }

  @Test
  void oneConnectionPerNodeByDefault() {
    cluster.start("a", "");
    Server server = cluster.node("a").server;
    server.register("Who", new Who(), "");
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Who",
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                cluster.discovery(),
                ClientOptions.DEFAULT));
    Map<Integer, Integer> callsPerConnection = new ConcurrentHashMap<>();

    for (int i = 0; i < 6; i++) {
      callsPerConnection.merge(
          x.call(ctx(), "Port", new Args(i, 1), Reply.class).C, 1, Integer::sum);
    }

    assertThat(ClientOptions.DEFAULT.connectionsPerNode()).isEqualTo(1);
    assertThat(callsPerConnection).hasSize(1);
    assertThat(server.activeConnections()).hasSize(1);
  }

  @Test
  void connectionsPerNodeMustBeAtLeastOne() {
    assertThatThrownBy(() -> ClientOptions.builder().connectionsPerNode(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectionsPerNode");
  }

  @Test
  void aNodeThatLeavesTheListAnswersItsCallsInFlightAndGetsNoNewOnes() throws Exception {
    cluster.start("a", "");
    cluster.start("b", "");
    MultipleServersDiscovery discovery = cluster.discovery();
    XClient x =
        cluster.closeAfter(
            XClient.create(
                "Node",
                FailMode.FAILFAST,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT));
    cluster.node("a").service.hold();
    cluster.node("b").service.hold();
    CompletableFuture<String> first = x.callAsync(ctx(), "Held", "k", String.class);
    CompletableFuture<String> second = x.callAsync(ctx(), "Held", "k", String.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> cluster.node("a").service.calls() == 1 && cluster.node("b").service.calls() == 1);

    cluster.unlist("b");
    discovery.update(cluster.nodes());
    cluster.node("a").service.release();
    cluster.node("b").service.release();

    assertThat(List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS)))
        .containsExactlyInAnyOrder("a", "b");
    for (int i = 0; i < 5; i++) {
      assertThat(x.call(ctx(), "Id", "k", String.class)).isEqualTo("a");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.node("b").server.activeConnections().isEmpty());
  }

  @Test
  void callsAfterCloseFailAsShutDown() {
    cluster.start("a", "");
    XClient x = arith(FailMode.FAILOVER, SelectMode.RANDOM_SELECT, ClientOptions.DEFAULT);
    assertThat(x.call(ctx(), "Mul", new Args(1, 2), Reply.class).C).isEqualTo(2);

    x.close();

    assertThat(x.isClosed()).isTrue();
    assertThatThrownBy(() -> x.call(ctx(), "Mul", new Args(1, 2), Reply.class))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("connection is shut down");
  }
}
