package io.jrpcx.transport.kcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.Message;
import io.jrpcx.server.Server;
import io.jrpcx.server.ServerContext;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Everything a connection does works on kcp as on tcp: calls, oneway calls, heartbeats, server
 * push, large frames, XClient keys {@code kcp@address}. Real UDP on loopback, jrpcx on both ends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KcpCallsTest {
  private final KcpTestSupport kcp = new KcpTestSupport();

  @AfterEach
  void closeAll() throws Exception {
    kcp.close();
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

  private Server start(java.util.function.Consumer<Server.Builder> configure, Pusher pusher) {
    Server s = kcp.server(configure);
    s.register("Pusher", pusher, "");
    return s;
  }

  @Test
  void theServerListensOnKcpAndSaysWhere() {
    Server server = start(b -> {}, new Pusher());
    assertThat(server.network()).isEqualTo("kcp");
    assertThat(server.address()).matches("127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void callsGoCallsAndOnewayCallsAreAnswered() throws Exception {
    Pusher pusher = new Pusher();
    Server server = start(b -> {}, pusher);
    Client client = kcp.client(server.address(), b -> {});
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class).C)
        .isEqualTo(200);
    List<Call<Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(client.go(Context.background(), "Arith", "Add", new Args(i, 1), Reply.class));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(calls.get(i).done().get(20, TimeUnit.SECONDS).C).isEqualTo(i + 1);
    }
    client.call(Context.background(), "Pusher", "Note", "hi", null);
    assertThat(pusher.oneway.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void manyClientsShareTheServersSocket() throws Exception {
    Server server = start(b -> {}, new Pusher());
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      clients.add(kcp.client(server.address(), b -> {}));
    }
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < clients.size(); i++) {
        assertThat(
                clients
                    .get(i)
                    .call(Context.background(), "Arith", "Mul", new Args(i, round), Reply.class)
                    .C)
            .isEqualTo(i * round);
      }
    }
    assertThat(server.activeConnections()).hasSize(8);
  }

  @Test
  void heartbeatsAreEchoed() {
    Server server = start(b -> {}, new Pusher());
    AtomicInteger echoes = new AtomicInteger();
    Client client =
        kcp.client(
            server.address(),
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

  @Test
  void serverPushReachesTheClient() throws Exception {
    Server server = start(b -> {}, new Pusher());
    CompletableFuture<Message> received = new CompletableFuture<>();
    Client client = kcp.client(server.address(), b -> b.serverMessageListener(received::complete));
    assertThat(client.call(Context.background(), "Pusher", "Push", "hello", String.class))
        .isEqualTo("pushed");
    Message push = received.get(5, TimeUnit.SECONDS);
    assertThat(push.isOneway()).isTrue();
    assertThat(push.servicePath()).isEqualTo("Push");
    assertThat(push.metadata()).containsEntry("k", "v");
    assertThat(new String(push.payload())).isEqualTo("hello");
  }

  @Test
  void aSixteenMegabyteFrameCrossesBothWays() {
    int limit = 20 << 20;
    Server server = start(b -> b.maxMessageLength(limit).memoryBudget(64L << 20), new Pusher());
    Client client =
        kcp.client(
            server.address(), b -> b.maxMessageLength(limit).serializeType(SerializeType.NONE));
    byte[] big = new byte[16 << 20];
    ThreadLocalRandom.current().nextBytes(big);
    long start = System.nanoTime();
    byte[] back =
        client.call(
            Context.background().withTimeout(Duration.ofSeconds(100)),
            "Pusher",
            "Echo",
            big,
            byte[].class);
    System.out.printf("kcp: 16 MB each way in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    assertThat(back).isEqualTo(big);
  }

  @Test
  void anXClientDialsTheNetworkNamedInTheNodeKey() {
    Server server = start(b -> {}, new Pusher());
    XClient x =
        kcp.add(
            XClient.create(
                "Arith",
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                new Peer2PeerDiscovery("kcp@" + server.address(), ""),
                ClientOptions.DEFAULT.toBuilder().plugin(KcpTestSupport.CONFIG).build()));
    assertThat(x.call(Context.background(), "Mul", new Args(6, 7), Reply.class).C).isEqualTo(42);
  }

  @Test
  void aCallToAnAbsentServerFailsInsteadOfHanging() throws Exception {
    int port;
    try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
      probe.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      port = ((java.net.InetSocketAddress) probe.getLocalAddress()).getPort();
    }
    // no handshake: connect succeeds; the first call meets ICMP port unreachable or its timeout
    Client client = kcp.client("127.0.0.1:" + port, b -> {});
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                client.call(
                    Context.background().withTimeout(Duration.ofSeconds(5)),
                    "Arith",
                    "Mul",
                    new Args(1, 2),
                    Reply.class))
        .isInstanceOf(RuntimeException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aServerWithoutAKeySaysWhatToAdd() {
    Server s = kcp.add(Server.builder().build());
    assertThatThrownBy(() -> s.start("kcp", "127.0.0.1:0")).hasMessageContaining("KcpConfig");
  }

  @Test
  void aClientWithoutAKeySaysWhatToAdd() {
    Server server = start(b -> {}, new Pusher());
    Client c = kcp.add(new Client(ClientOptions.DEFAULT));
    assertThatThrownBy(() -> c.connect("kcp", server.address())).hasMessageContaining("KcpConfig");
  }
}
