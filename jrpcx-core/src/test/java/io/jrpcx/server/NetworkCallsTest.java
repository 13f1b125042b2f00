package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Everything a connection does works the same on every TCP-based network: calls, oneway calls,
 * heartbeats, server push, 16 MB frames and XClient keys {@code network@address}. Real sockets on
 * loopback, jrpcx on both ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetworkCallsTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  /** A service that pushes to its caller and echoes bytes. */
  public static final class Pusher {
    final CountDownLatch oneway = new CountDownLatch(1);

    public String push(ServerContext ctx, String text) throws Exception {
      ctx.connection()
          .send("Push", "Notify", Map.of("k", "v"), text.getBytes())
          .get(5, TimeUnit.SECONDS);
      return "pushed";
    }

    public byte[] echo(byte[] bytes) {
      return bytes;
    }

    public String note(String text) {
      oneway.countDown();
      return text;
    }
  }

  private Server start(
      String network, java.util.function.Consumer<Server.Builder> configure, Pusher pusher) {
    Server s = NetworkCases.start(network, configure);
    closeables.add(s);
    s.register("Pusher", pusher, "");
    return s;
  }

  private Client connect(
      String network,
      Server server,
      java.util.function.Consumer<io.jrpcx.client.ClientOptions.Builder> configure) {
    io.jrpcx.client.ClientOptions.Builder b = NetworkCases.client(network);
    configure.accept(b);
    Client c = new Client(b.build());
    closeables.add(c);
    c.connect(network, server.address());
    return c;
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void callsGoCallsAndOnewayCallsAreAnswered(String network) throws Exception {
    Pusher pusher = new Pusher();
    Server server = start(network, b -> {}, pusher);
    assertThat(server.network()).isEqualTo(network);
    Client client = connect(network, server, b -> {});
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class).C)
        .isEqualTo(200);
    List<Call<Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(client.go(Context.background(), "Arith", "Add", new Args(i, 1), Reply.class));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(calls.get(i).done().get(10, TimeUnit.SECONDS).C).isEqualTo(i + 1);
    }
    client.call(Context.background(), "Pusher", "Note", "hi", null);
    assertThat(pusher.oneway.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void heartbeatsAreEchoed(String network) {
    Server server = start(network, b -> {}, new Pusher());
    AtomicInteger echoes = new AtomicInteger();
    Client client =
        connect(
            network,
            server,
            b ->
                b.heartbeat(Duration.ofMillis(50))
                    .maxWaitForHeartbeat(Duration.ofSeconds(2))
                    .plugin(
                        (ClientPlugin.AfterDecode)
                            m -> {
                              if (m.isHeartbeat() && m.isResponse()) {
                                echoes.incrementAndGet();
                              }
                            }));
    await().atMost(Duration.ofSeconds(10)).until(() -> echoes.get() >= 3);
    assertThat(client.isShutdown()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void serverPushReachesTheClient(String network) throws Exception {
    Server server = start(network, b -> {}, new Pusher());
    CompletableFuture<Message> received = new CompletableFuture<>();
    Client client = connect(network, server, b -> b.serverMessageListener(received::complete));
    assertThat(client.call(Context.background(), "Pusher", "Push", "hello", String.class))
        .isEqualTo("pushed");
    Message push = received.get(5, TimeUnit.SECONDS);
    assertThat(push.isOneway()).isTrue();
    assertThat(push.servicePath()).isEqualTo("Push");
    assertThat(push.metadata()).containsEntry("k", "v");
    assertThat(new String(push.payload())).isEqualTo("hello");
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void aSixteenMegabyteFrameCrossesBothWays(String network) {
    int limit = 20 << 20;
    Server server =
        start(network, b -> b.maxMessageLength(limit).memoryBudget(64L << 20), new Pusher());
    Client client =
        connect(network, server, b -> b.maxMessageLength(limit).serializeType(SerializeType.NONE));
    byte[] big = new byte[16 << 20];
    ThreadLocalRandom.current().nextBytes(big);
    byte[] back =
        client.call(
            Context.background().withTimeout(Duration.ofSeconds(30)),
            "Pusher",
            "Echo",
            big,
            byte[].class);
    assertThat(back).isEqualTo(big);
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void anXClientDialsTheNetworkNamedInTheNodeKey(String network) {
    Server server = start(network, b -> {}, new Pusher());
    XClient x =
        XClient.create(
            "Arith",
            FailMode.FAILFAST,
            SelectMode.RANDOM_SELECT,
            new Peer2PeerDiscovery(network + "@" + server.address(), ""),
            NetworkCases.client(network).build());
    closeables.add(x);
    assertThat(x.call(Context.background(), "Mul", new Args(6, 7), Reply.class).C).isEqualTo(42);
  }
}
