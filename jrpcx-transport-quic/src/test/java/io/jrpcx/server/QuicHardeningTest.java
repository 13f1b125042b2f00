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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tcp pipeline's bad-input matrix, on a QUIC stream (core's {@code NetworkHardeningTest}, on
 * quic): garbage, oversize frames, half-sent frames, the memory budget, idle and surplus
 * connections. Each attack ends the stream and with it the QUIC connection; after each a
 * well-behaved client is answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuicHardeningTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Server start(Consumer<Server.Builder> configure) {
    Server s = QuicCases.start(configure);
    closeables.add(s);
    return s;
  }

  private QuicPeer connect(Server server) {
    QuicPeer p = QuicPeer.connect(server.address());
    closeables.add(p);
    return p;
  }

  private void assertWellBehavedClientAnswered(Server server) {
    Client client = new Client(QuicCases.client().build());
    closeables.add(client);
    client.connect("quic", server.address());
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

  @Test
  void aReplyReadBeforeGarbageIsSentAndThenTheConnectionCloses() {
    Server server = start(b -> {});
    QuicPeer p = connect(server);
    p.send(
        concat(
            CODEC.encode(mul(7, 6, 7)),
            "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    Message reply = p.readMessage();
    assertThat(reply.seq()).isEqualTo(7);
    assertThat(replyC(reply)).isEqualTo(42);
    p.awaitClosedByServer();
    assertThat(p.connectionClosed()).as("the QUIC connection ends with its stream").isTrue();
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void aFrameOverTheMaxMessageLengthClosesTheConnectionOnItsHeader() {
    Server server = start(b -> b.maxMessageLength(1 << 20));
    QuicPeer p = connect(server);
    p.send(headerClaiming(2 << 20));
    p.awaitClosedByServer();
    assertThat(p.connectionClosed()).isTrue();
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void aFrameOverTheMemoryBudgetClosesTheConnectionOnItsHeader() {
    Server server = start(b -> b.memoryBudget(1 << 20).maxMessageLength(4 << 20));
    QuicPeer p = connect(server);
    p.send(headerClaiming(2 << 20));
    p.awaitClosedByServer();
    assertThat(p.connectionClosed()).isTrue();
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void halfSentFramesAreClosedAfterTheFrameTimeout() {
    Server server = start(b -> b.frameTimeout(Duration.ofMillis(300)));
    byte[] frame = CODEC.encode(mul(1, 2, 3));
    List<QuicPeer> slow = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      QuicPeer p = connect(server);
      p.send(Arrays.copyOf(frame, i % 2 == 0 ? 10 : frame.length - 1)); // then nothing
      slow.add(p);
    }
    assertWellBehavedClientAnswered(server);
    for (QuicPeer p : slow) {
      p.awaitClosedByServer();
      assertThat(p.connectionClosed()).isTrue();
    }
  }

  @Test
  void idleConnectionsAreClosedAfterTheIdleTimeout() {
    Server server = start(b -> b.idleTimeout(Duration.ofMillis(300)));
    QuicPeer p = connect(server);
    // A QUIC stream is seen by the server with its first bytes: one call, then silence.
    p.send(CODEC.encode(mul(1, 2, 3)));
    assertThat(replyC(p.readMessage())).isEqualTo(6);
    p.awaitClosedByServer();
    assertThat(p.connectionClosed()).isTrue();
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void connectionsOverThePerAddressCapAreRefused() {
    Server server = start(b -> b.maxConnectionsPerIp(1));
    QuicPeer first = connect(server);
    first.send(CODEC.encode(mul(1, 2, 3)));
    assertThat(replyC(first.readMessage())).isEqualTo(6);
    QuicPeer refused = connect(server);
    refused.send(CODEC.encode(mul(1, 2, 3)));
    assertThat(refused.awaitClosedByServer()).isEmpty();
    assertThat(server.refusedConnections()).isEqualTo(1);
    first.send(CODEC.encode(mul(2, 3, 4)));
    assertThat(replyC(first.readMessage())).isEqualTo(12);
  }

  @Test
  void connectionsOverTheCapAreRefused() {
    Server server = start(b -> b.maxConnections(2));
    List<QuicPeer> admitted = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      QuicPeer p = connect(server);
      p.send(CODEC.encode(mul(1, 2, 3)));
      assertThat(replyC(p.readMessage())).isEqualTo(6);
      admitted.add(p);
    }
    QuicPeer refused = connect(server);
    refused.send(CODEC.encode(mul(1, 2, 3)));
    assertThat(refused.awaitClosedByServer()).isEmpty();
    assertThat(refused.connectionClosed()).isTrue();
    assertThat(server.refusedConnections()).isEqualTo(1);
    for (QuicPeer p : admitted) {
      p.send(CODEC.encode(mul(2, 3, 4)));
      assertThat(replyC(p.readMessage())).isEqualTo(12);
    }
  }
}
