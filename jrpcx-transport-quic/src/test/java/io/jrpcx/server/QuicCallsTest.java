package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
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
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Everything a connection does on tcp works the same on quic: calls, oneway calls, heartbeats,
 * server push, 16 MB frames each way and XClient keys {@code quic@address}. Real QUIC on
 * loopback, jrpcx on both ends (core's {@code NetworkCallsTest}, on quic).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuicCallsTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Server start(Consumer<Server.Builder> configure, NetworkCallsTest.Pusher pusher) {
    Server s = QuicCases.start(configure);
    closeables.add(s);
    s.register("Pusher", pusher, "");
    return s;
  }

  private Client connect(Server server, Consumer<ClientOptions.Builder> configure) {
    ClientOptions.Builder b = QuicCases.client();
    configure.accept(b);
    Client c = new Client(b.build());
    closeables.add(c);
    c.connect("quic", server.address());
    return c;
  }

  @Test
  void callsGoCallsAndOnewayCallsAreAnswered() throws Exception {
    NetworkCallsTest.Pusher pusher = new NetworkCallsTest.Pusher();
    Server server = start(b -> {}, pusher);
    assertThat(server.network()).isEqualTo("quic");
    assertThat(server.address()).startsWith("127.0.0.1:").doesNotEndWith(":0");
    Client client = connect(server, b -> {});
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

  @Test
  void heartbeatsAreEchoed() {
    Server server = start(b -> {}, new NetworkCallsTest.Pusher());
    AtomicInteger echoes = new AtomicInteger();
    Client client =
        connect(
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

  @Test
  void serverPushReachesTheClient() throws Exception {
    Server server = start(b -> {}, new NetworkCallsTest.Pusher());
    CompletableFuture<Message> received = new CompletableFuture<>();
    Client client = connect(server, b -> b.serverMessageListener(received::complete));
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
    Server server =
        start(
            b -> b.maxMessageLength(limit).memoryBudget(64L << 20), new NetworkCallsTest.Pusher());
    Client client =
        connect(server, b -> b.maxMessageLength(limit).serializeType(SerializeType.NONE));
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

  @Test
  void anXClientDialsTheNetworkNamedInTheNodeKey() {
    Server server = start(b -> {}, new NetworkCallsTest.Pusher());
    XClient x =
        XClient.create(
            "Arith",
            FailMode.FAILFAST,
            SelectMode.RANDOM_SELECT,
            new Peer2PeerDiscovery("quic@" + server.address(), ""),
            QuicCases.client().build());
    closeables.add(x);
    assertThat(x.call(Context.background(), "Mul", new Args(6, 7), Reply.class).C).isEqualTo(42);
  }
}
