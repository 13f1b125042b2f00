package io.jrpcx.server;

import static io.jrpcx.server.RawRpcxSocket.CODEC;
import static io.jrpcx.server.RawRpcxSocket.mul;
import static io.jrpcx.server.RawRpcxSocket.replyC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import io.jrpcx.transport.kcp.KcpConfig;
import io.jrpcx.transport.kcp.RawKcpClient;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's defences hold on kcp: the tcp pipeline's bad-input matrix (NetworkHardeningTest)
 * repeated on a KCP session's stream, and datagrams that are not KCP (noise, truncated, bad
 * checksum, another key) dropped without harming other sessions. A KCP peer is not told that its
 * session ended (no FIN): "closed" is seen here as the session gone from the server's connections.
 * After each attack a well-behaved client is answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KcpHardeningTest {
  private static final KcpConfig CONFIG = KcpConfig.aes(KcpConfig.pbkdf2("rpcx-key", "rpcx-salt"));

  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Peers whose sessions the server closed, seen by a PostConnClose plugin. */
  private final java.util.Set<SocketAddress> closedPeers =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Server start(Consumer<Server.Builder> configure) {
    Server.Builder b =
        Server.builder()
            .plugin(CONFIG)
            .plugin((ServerPlugin.PostConnClose) c -> closedPeers.add(c.remoteAddress()));
    configure.accept(b);
    Server s = b.build();
    closeables.add(s);
    s.register("Arith", new ArithService(), "");
    s.start("kcp", "127.0.0.1:0");
    return s;
  }

  private RawKcpClient connect(Server server) {
    RawKcpClient c = RawKcpClient.connect(server.address());
    closeables.add(c);
    return c;
  }

  private Client wellBehaved(Server server) {
    Client client = new Client(ClientOptions.builder().plugin(CONFIG).build());
    closeables.add(client);
    client.connect("kcp", server.address());
    return client;
  }

  private void assertWellBehavedClientAnswered(Server server) {
    Reply r =
        wellBehaved(server)
            .call(
                Context.background().withTimeout(Duration.ofSeconds(5)),
                "Arith",
                "Mul",
                new Args(6, 7),
                Reply.class);
    assertThat(r.C).isEqualTo(42);
  }

  private static boolean hasSessionFrom(Server server, SocketAddress peer) {
    return server.activeConnections().stream().anyMatch(c -> peer.equals(c.remoteAddress()));
  }

  private void awaitSessionClosed(Server server, RawKcpClient c) {
    await().atMost(Duration.ofSeconds(5)).until(() -> closedPeers.contains(c.localAddress()));
    assertThat(hasSessionFrom(server, c.localAddress())).isFalse();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** A frame header claiming {@code totalLen} body bytes, and nothing after it. */
  private static byte[] headerClaiming(int totalLen) {
    byte[] h = Arrays.copyOf(CODEC.encode(mul(1, 2, 3)), 16);
    ByteBuffer.wrap(h).putInt(12, totalLen);
    return h;
  }

  // ---- the tcp pipeline's bad-input matrix, on a KCP stream ------------------------------------

  @Test
  void aReplyReadBeforeGarbageIsSentAndThenTheSessionCloses() {
    Server server = start(b -> {});
    RawKcpClient s = connect(server);
    s.send(
        concat(
            CODEC.encode(mul(7, 6, 7)),
            "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    Message reply = CODEC.decode(s.readFrame());
    assertThat(reply.seq()).isEqualTo(7);
    assertThat(replyC(reply)).isEqualTo(42);
    awaitSessionClosed(server, s);
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void aFrameOverTheMaxMessageLengthClosesTheSessionOnItsHeader() {
    Server server = start(b -> b.maxMessageLength(1 << 20));
    RawKcpClient s = connect(server);
    s.send(headerClaiming(2 << 20));
    awaitSessionClosed(server, s);
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void aFrameOverTheMemoryBudgetClosesTheSessionOnItsHeader() {
    Server server = start(b -> b.memoryBudget(1 << 20).maxMessageLength(4 << 20));
    RawKcpClient s = connect(server);
    s.send(headerClaiming(2 << 20));
    awaitSessionClosed(server, s);
    assertThat(server.activeConnections()).isEmpty();
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void halfSentFramesAreClosedAfterTheFrameTimeout() {
    Server server = start(b -> b.frameTimeout(Duration.ofMillis(300)));
    byte[] frame = CODEC.encode(mul(1, 2, 3));
    List<RawKcpClient> slow = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RawKcpClient s = connect(server);
      s.send(Arrays.copyOf(frame, i % 2 == 0 ? 10 : frame.length - 1)); // then nothing
      slow.add(s);
    }
    assertWellBehavedClientAnswered(server);
    for (RawKcpClient s : slow) {
      awaitSessionClosed(server, s);
    }
  }

  @Test
  void idleSessionsAreClosedAfterTheIdleTimeout() {
    Server server = start(b -> b.idleTimeout(Duration.ofMillis(300)));
    RawKcpClient s = connect(server);
    s.send(CODEC.encode(mul(1, 2, 3))); // a KCP session starts with the peer's first bytes
    s.readFrame();
    awaitSessionClosed(server, s);
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void sessionsOverTheCapAreRefused() {
    Server server = start(b -> b.maxConnections(2));
    RawKcpClient first = connect(server);
    RawKcpClient second = connect(server);
    first.send(CODEC.encode(mul(1, 2, 3)));
    second.send(CODEC.encode(mul(2, 2, 3)));
    first.readFrame();
    second.readFrame();
    RawKcpClient refused = connect(server);
    refused.send(CODEC.encode(mul(3, 2, 3)));
    await().atMost(Duration.ofSeconds(5)).until(() -> server.refusedConnections() >= 1);
    assertThat(hasSessionFrom(server, refused.localAddress())).isFalse();
    assertThat(server.activeConnections()).hasSize(2);
  }

  // ---- KCP's own ends of a session -------------------------------------------------------------

  @Test
  void aSilentSessionIsDroppedAfterTheSessionIdleTimeout() {
    Server server = start(b -> b.plugin(CONFIG.withSessionIdleTimeout(Duration.ofMillis(300))));
    RawKcpClient s = connect(server);
    s.send(CODEC.encode(mul(1, 2, 3)));
    s.readFrame();
    awaitSessionClosed(server, s);
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void aClosedClientsSessionEndsOnTheServerByItsIdleTimeout() {
    Server server = start(b -> b.idleTimeout(Duration.ofMillis(500)));
    Client client = wellBehaved(server);
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class).C)
        .isEqualTo(6);
    assertThat(server.activeConnections()).hasSize(1);
    client.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.activeConnections().isEmpty());
  }

  @Test
  void aNewConversationFromAReusedAddressReplacesTheOldSession() {
    Server server = start(b -> {});
    RawKcpClient first = connect(server);
    first.send(CODEC.encode(mul(1, 2, 3)));
    assertThat(replyC(CODEC.decode(first.readFrame()))).isEqualTo(6);
    InetSocketAddress port = (InetSocketAddress) first.localAddress();
    first.close();

    // another client on the same address: a new conv starting at sn 0 (kcp-go's Listener
    // replaces the session the same way)
    RawKcpClient second = RawKcpClient.connect(server.address(), port);
    closeables.add(second);
    second.send(CODEC.encode(mul(2, 4, 5)));
    assertThat(replyC(CODEC.decode(second.readFrame()))).isEqualTo(20);
    assertThat(closedPeers).contains(port);
    assertThat(server.activeConnections()).hasSize(1);
  }

  // ---- datagrams that are not KCP --------------------------------------------------------------

  @Test
  void garbageDatagramsAreDroppedWithoutHarmingOtherSessions() throws Exception {
    Server server = start(b -> {});
    Client client = wellBehaved(server);
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class).C)
        .isEqualTo(6);
    String[] hp = server.address().split(":");
    InetSocketAddress target = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    Random random = new Random(15);
    try (DatagramChannel attacker = DatagramChannel.open()) {
      attacker.connect(target);
      for (int i = 0; i < 500; i++) {
        byte[] junk = new byte[i % 5 == 0 ? random.nextInt(20) : 20 + random.nextInt(1400)];
        random.nextBytes(junk);
        attacker.write(ByteBuffer.wrap(junk));
      }
    }
    // a valid session start sealed with another key is noise to this server
    Client foreign =
        new Client(
            ClientOptions.builder()
                .plugin(KcpConfig.aes(KcpConfig.pbkdf2("other-key", "rpcx-salt")))
                .connectTimeout(Duration.ofSeconds(2))
                .build());
    closeables.add(foreign);
    foreign.connect("kcp", server.address());
    assertThat(
            foreign
                .go(
                    Context.background().withTimeout(Duration.ofMillis(500)),
                    "Arith",
                    "Mul",
                    new Args(1, 1),
                    Reply.class)
                .done())
        .failsWithin(Duration.ofSeconds(5));

    for (int i = 0; i < 20; i++) {
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(i, 3), Reply.class).C)
          .isEqualTo(i * 3);
    }
    assertThat(server.activeConnections()).hasSize(1);
  }
}
