package io.jrpcx.server;

import static io.jrpcx.server.RawRpcxSocket.CODEC;
import static io.jrpcx.server.RawRpcxSocket.mul;
import static io.jrpcx.server.RawRpcxSocket.replyC;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's defences hold on every network: the tcp pipeline's bad-input matrix repeated after
 * each network's handshake (garbage, oversize frames, half-sent frames, the memory budget, idle
 * and surplus connections), and hostile handshakes (slow, oversize, wrong path or method, no
 * Origin, WebSocket frames that break RFC 6455). After each attack a well-behaved client is
 * answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetworkHardeningTest {
  /**
   * The frame and idle timeouts under test: short enough to wait out, long enough for the
   * well-behaved client's TLS and WebSocket handshakes on a loaded two-core machine (300 ms was
   * not: a wss client was closed mid-handshake while other builds ran).
   */
  private static final Duration SHORT = Duration.ofMillis(1500);

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Server start(String network, Consumer<Server.Builder> configure) {
    Server s = NetworkCases.start(network, configure);
    closeables.add(s);
    return s;
  }

  private NetworkSocket connect(String network, Server server) {
    NetworkSocket s =
        NetworkSocket.connect(network, server.address(), NetworkCases.socketTls(network));
    closeables.add(s);
    return s;
  }

  private NetworkSocket open(String network, Server server) {
    NetworkSocket s =
        NetworkSocket.open(network, server.address(), NetworkCases.socketTls(network));
    closeables.add(s);
    return s;
  }

  private void assertWellBehavedClientAnswered(String network, Server server) {
    Client client = new Client(NetworkCases.client(network).build());
    closeables.add(client);
    client.connect(network, server.address());
    Reply r =
        client.call(
            Context.background().withTimeout(Duration.ofSeconds(5)),
            "Arith",
            "Mul",
            new Args(6, 7),
            Reply.class);
    assertThat(r.C).isEqualTo(42);
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

  // ---- the tcp pipeline's bad-input matrix, on every network ----------------------------------

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void aReplyReadBeforeGarbageIsSentAndThenTheConnectionCloses(String network) {
    Server server = start(network, b -> {});
    NetworkSocket s = connect(network, server);
    s.send(
        concat(
            CODEC.encode(mul(7, 6, 7)),
            "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    Message reply = s.readMessage();
    assertThat(reply.seq()).isEqualTo(7);
    assertThat(replyC(reply)).isEqualTo(42);
    s.awaitClosedByServer();
    assertWellBehavedClientAnswered(network, server);
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void aFrameOverTheMaxMessageLengthClosesTheConnectionOnItsHeader(String network) {
    Server server = start(network, b -> b.maxMessageLength(1 << 20));
    NetworkSocket s = connect(network, server);
    s.send(headerClaiming(2 << 20));
    s.awaitClosedByServer();
    assertWellBehavedClientAnswered(network, server);
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void aFrameOverTheMemoryBudgetClosesTheConnectionOnItsHeader(String network) {
    Server server = start(network, b -> b.memoryBudget(1 << 20).maxMessageLength(4 << 20));
    NetworkSocket s = connect(network, server);
    s.send(headerClaiming(2 << 20));
    s.awaitClosedByServer();
    assertWellBehavedClientAnswered(network, server);
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void halfSentFramesAreClosedAfterTheFrameTimeout(String network) {
    Server server = start(network, b -> b.frameTimeout(SHORT));
    byte[] frame = CODEC.encode(mul(1, 2, 3));
    List<NetworkSocket> slow = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      NetworkSocket s = connect(network, server);
      s.send(Arrays.copyOf(frame, i % 2 == 0 ? 10 : frame.length - 1)); // then nothing
      slow.add(s);
    }
    assertWellBehavedClientAnswered(network, server);
    for (NetworkSocket s : slow) {
      s.awaitClosedByServer();
    }
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void idleConnectionsAreClosedAfterTheIdleTimeout(String network) {
    Server server = start(network, b -> b.idleTimeout(SHORT));
    NetworkSocket s = connect(network, server);
    s.awaitClosedByServer();
    assertWellBehavedClientAnswered(network, server);
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#networks")
  void connectionsOverTheCapAreRefused(String network) {
    Server server = start(network, b -> b.maxConnections(2));
    NetworkSocket first = connect(network, server);
    NetworkSocket second = connect(network, server);
    NetworkSocket refused = open(network, server);
    refused.awaitClosedByServer();
    assertThat(server.refusedConnections()).isEqualTo(1);
    first.close();
    second.close();
  }

  // ---- hostile handshakes ---------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#handshakeNetworks")
  void aHandshakeNotCompletedWithinTheFrameTimeoutIsClosed(String network) {
    Server server = start(network, b -> b.frameTimeout(SHORT));
    List<NetworkSocket> slow = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      NetworkSocket s = open(network, server);
      s.writeRaw(
          (network.equals("http") ? "CONNECT /_rpcx_ HTTP/1.0\n" : "GET /_rpcx_ HTTP/1.1\r\n")
              .getBytes(StandardCharsets.US_ASCII)); // and never the blank line
      slow.add(s);
    }
    NetworkSocket silent = open(network, server);
    assertWellBehavedClientAnswered(network, server);
    for (NetworkSocket s : slow) {
      assertThat(s.awaitClosedByServer()).isEmpty();
    }
    assertThat(silent.awaitClosedByServer()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#handshakeNetworks")
  void aHandshakeHeadOverEightKilobytesIsRefusedWith431(String network) {
    Server server = start(network, b -> {});
    NetworkSocket s = open(network, server);
    StringBuilder head =
        new StringBuilder(
            network.equals("http") ? "CONNECT /_rpcx_ HTTP/1.0\r\n" : "GET /_rpcx_ HTTP/1.1\r\n");
    while (head.length() < 9000) {
      head.append("X-Filler: ").append("x".repeat(100)).append("\r\n");
    }
    s.writeRaw(head.toString().getBytes(StandardCharsets.US_ASCII));
    String answer = new String(s.awaitClosedByServer(), StandardCharsets.ISO_8859_1);
    assertThat(answer).startsWith("HTTP/1.1 431 ");
    assertWellBehavedClientAnswered(network, server);
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#handshakeNetworks")
  void aHandshakeOnAnotherPathGets404(String network) {
    Server server = start(network, b -> {});
    NetworkSocket s = open(network, server);
    s.writeRaw(
        network.equals("http")
            ? "CONNECT /elsewhere HTTP/1.0\n\n".getBytes(StandardCharsets.US_ASCII)
            : s.wsUpgrade("GET", "/elsewhere", true));
    String answer = new String(s.awaitClosedByServer(), StandardCharsets.ISO_8859_1);
    assertThat(answer).startsWith("HTTP/1.1 404 Not Found\r\n").endsWith("404 page not found\n");
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#handshakeNetworks")
  void anotherMethodOnTheRpcPathGets405(String network) {
    Server server = start(network, b -> {});
    NetworkSocket s = open(network, server);
    s.writeRaw(
        network.equals("http")
            ? "GET /_rpcx_ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)
            : s.wsUpgrade("POST", "/_rpcx_", true));
    String answer = new String(s.awaitClosedByServer(), StandardCharsets.ISO_8859_1);
    assertThat(answer).startsWith("HTTP/1.1 405 Method Not Allowed\r\n");
    if (network.equals("http")) {
      assertThat(answer).endsWith("\r\n\r\n405 must CONNECT\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss"})
  void anUpgradeWithoutOriginGets403AsFromGo(String network) {
    Server server = start(network, b -> {});
    NetworkSocket s = open(network, server);
    s.writeRaw(s.wsUpgrade("GET", "/_rpcx_", false));
    String answer = new String(s.awaitClosedByServer(), StandardCharsets.ISO_8859_1);
    assertThat(answer).startsWith("HTTP/1.1 403 Forbidden\r\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss"})
  void aPlainGetWithoutUpgradeGets400(String network) {
    Server server = start(network, b -> {});
    NetworkSocket s = open(network, server);
    s.writeRaw(
        "GET /_rpcx_ HTTP/1.1\r\nHost: x\r\nOrigin: http://x\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
    String answer = new String(s.awaitClosedByServer(), StandardCharsets.ISO_8859_1);
    assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n");
  }

  @ParameterizedTest
  @MethodSource("io.jrpcx.server.NetworkCases#handshakeNetworks")
  void aPushBeforeTheHandshakeIsDoneArrivesAfterTheHandshakeAnswer(String network)
      throws Exception {
    java.util.concurrent.CompletableFuture<ClientConnection> accepted =
        new java.util.concurrent.CompletableFuture<>();
    Server server =
        start(
            network,
            b -> b.plugin((ServerPlugin.PostConnAccept) c -> accepted.complete(c) || true));
    NetworkSocket s = open(network, server);
    s.writeRaw(new byte[0]); // wss: the TLS handshake, so the server sees the connection
    java.util.concurrent.CompletableFuture<Void> pushed =
        accepted
            .get(5, TimeUnit.SECONDS)
            .send("Push", "Early", java.util.Map.of(), "early".getBytes(StandardCharsets.UTF_8));
    assertThat(pushed).as("held until the handshake is done").isNotDone();
    s.handshake(); // reads and checks the answer: nothing came before it
    Message push = s.readMessage();
    assertThat(push.serviceMethod()).isEqualTo("Early");
    pushed.get(5, TimeUnit.SECONDS);
  }

  // ---- WebSocket frames -----------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss"})
  void frameBoundariesNeedNotBeMessageBoundaries(String network) {
    Server server = start(network, b -> {});
    NetworkSocket s = connect(network, server);
    byte[] one = CODEC.encode(mul(1, 2, 3));
    byte[] two = CODEC.encode(mul(2, 4, 5));
    // Two requests in one TEXT frame (Go's client sends TEXT), then one request over a TEXT
    // fragment, a ping and two continuations.
    s.writeRaw(NetworkSocket.wsFrame(0x81, concat(one, two), true));
    java.util.Map<Long, Integer> replies = new java.util.HashMap<>();
    for (int i = 0; i < 2; i++) {
      Message m = s.readMessage(); // calls run concurrently: either may be answered first
      replies.put(m.seq(), replyC(m));
    }
    assertThat(replies).containsEntry(1L, 6).containsEntry(2L, 20);
    byte[] three = CODEC.encode(mul(3, 6, 7));
    s.writeRaw(
        concat(
            concat(
                NetworkSocket.wsFrame(0x01, Arrays.copyOfRange(three, 0, 5), true),
                NetworkSocket.wsFrame(0x89, "ping".getBytes(StandardCharsets.US_ASCII), true)),
            concat(
                NetworkSocket.wsFrame(0x00, Arrays.copyOfRange(three, 5, 20), true),
                NetworkSocket.wsFrame(0x80, Arrays.copyOfRange(three, 20, three.length), true))));
    // The pong comes first (answered on arrival), unmasked, echoing the ping's payload.
    assertThat(s.readRaw(6)).containsExactly(0x8a, 4, 'p', 'i', 'n', 'g');
    assertThat(replyC(s.readMessage())).isEqualTo(42);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unmasked",
        "reserved bits",
        "unknown opcode",
        "continuation first",
        "oversize",
        "long control frame",
        "data inside a fragmented message"
      })
  void aWebSocketFrameThatBreaksTheRfcClosesTheConnection(String violation) {
    String network = "ws";
    Server server = start(network, b -> b.maxMessageLength(1 << 20));
    NetworkSocket s = connect(network, server);
    byte[] frame = CODEC.encode(mul(1, 2, 3));
    switch (violation) {
      case "unmasked" -> s.writeRaw(NetworkSocket.wsFrame(0x82, frame, false));
      case "reserved bits" -> s.writeRaw(NetworkSocket.wsFrame(0xc2, frame, true));
      case "unknown opcode" -> s.writeRaw(NetworkSocket.wsFrame(0x83, frame, true));
      case "continuation first" -> s.writeRaw(NetworkSocket.wsFrame(0x80, frame, true));
      case "oversize" -> s.writeRaw(NetworkSocket.wsHeaderOnly(0x82, (1 << 20) + 1));
      case "long control frame" -> s.writeRaw(NetworkSocket.wsFrame(0x89, new byte[126], true));
      case "data inside a fragmented message" ->
          s.writeRaw(
              concat(
                  NetworkSocket.wsFrame(0x02, new byte[] {8}, true),
                  NetworkSocket.wsFrame(0x82, frame, true)));
      default -> throw new IllegalArgumentException(violation);
    }
    assertThat(s.awaitClosedByServer()).isEmpty();
    assertWellBehavedClientAnswered(network, server);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss"})
  void aCloseFrameIsEchoedAndEndsTheConnection(String network) {
    Server server = start(network, b -> {});
    NetworkSocket s = connect(network, server);
    s.writeRaw(NetworkSocket.wsFrame(0x88, new byte[] {0x03, (byte) 0xe8}, true));
    assertThat(s.awaitClosedByServer()).containsExactly(0x88, 0x02, 0x03, 0xe8);
  }
}
