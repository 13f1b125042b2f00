package io.jrpcx.server;

import static io.jrpcx.server.RawRpcxSocket.CODEC;
import static io.jrpcx.server.RawRpcxSocket.putInt;
import static io.jrpcx.server.RawRpcxSocket.replyC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits a server and a client have when nobody configured any: 64 MiB per frame, checked
 * from the 16-byte header before the body is waited for or buffered, and 64 MiB per decompressed
 * payload. {@link BadInputTest} covers the same with explicit, smaller limits.
 */
class SafeDefaultsTest {
  private static final int MIB_64 = 64 << 20;

  /** A server built with {@code Server.builder().build()}: every limit at its default. */
  @RegisterExtension final TestServer server = TestServer.create();

  @Test
  void theDefaultsAre64MiB() {
    assertThat(FrameCodec.DEFAULT_MAX_MESSAGE_LENGTH).isEqualTo(MIB_64);
    assertThat(server.server().frameCodec.maxMessageLength()).isEqualTo(MIB_64);
    assertThat(ClientOptions.DEFAULT.maxMessageLength()).isEqualTo(MIB_64);
    assertThat(ClientOptions.DEFAULT.maxDecompressedLength()).isEqualTo(MIB_64);
    assertThat(ClientOptions.builder().build().maxMessageLength()).isEqualTo(MIB_64);
  }

  @Test
  void aDefaultServerRefusesAFrameOneByteOver64MiBFromItsHeaderAlone() {
    // The header says 64 MiB + 1 bytes in all; only its 16 bytes are ever sent. Closing now
    // proves the server neither waited for nor made room for the body.
    byte[] header = HexFormat.of().parseHex("08000010" + "0000000000000001" + "00000000");
    putInt(header, 12, MIB_64 - FrameCodec.HEADER_LENGTH + 1);
    try (RawRpcxSocket bystander = RawRpcxSocket.connect(server.address());
        RawRpcxSocket s = RawRpcxSocket.connect(server.address())) {
      s.write(header);
      RawRpcxSocket.Closed closed = s.awaitClosedByServer();
      assertThat(closed.bytesBeforeClose()).isZero();
      assertThat(replyC(bystander.call(RawRpcxSocket.mul(1, 6, 7)))).isEqualTo(42);
    }
  }

  @Test
  void aDefaultServerRefusesAGzipPayloadInflatingPast64MiB() {
    Message bomb =
        RawRpcxSocket.request(1, "Echo", "Echo", SerializeType.JSON, new byte[MIB_64 + 1])
            .setCompressType(CompressType.GZIP);
    byte[] frame = CODEC.encode(bomb);
    assertThat(frame.length).as("64 MiB + 1 zeros, gzipped").isLessThan(1 << 20);
    try (RawRpcxSocket s = RawRpcxSocket.connect(server.address())) {
      s.write(frame);
      assertThat(s.awaitClosedByServer().bytesBeforeClose()).isZero();
    }
    Client client = server.connect();
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(6, 7), Reply.class).C)
        .isEqualTo(42);
  }

  @Test
  void aDefaultClientRefusesAResponseHeaderOver64MiBWithoutWaitingForTheBody() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // A hostile server: reads one request frame, answers with a header announcing a body of
      // 64 MiB + 1 bytes in all, sends no body and keeps the connection open.
      CompletableFuture<Void> answered =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = fake.accept()) {
                  s.setSoTimeout(10_000);
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  byte[] header = new byte[FrameCodec.HEADER_LENGTH];
                  in.readFully(header);
                  in.readFully(new byte[ByteBuffer.wrap(header).getInt(12)]);
                  header[2] |= (byte) 0x80; // response
                  putInt(header, 12, MIB_64 - FrameCodec.HEADER_LENGTH + 1);
                  OutputStream out = s.getOutputStream();
                  out.write(header);
                  out.flush();
                  // Hold the connection until the client closes it.
                  assertThat(in.read()).isEqualTo(-1);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      try (Client client = new Client(ClientOptions.DEFAULT)) {
        client.connect("tcp", "127.0.0.1:" + fake.getLocalPort());
        assertThatThrownBy(
                () ->
                    client.call(
                        Context.background().withTimeout(Duration.ofSeconds(30)),
                        "Arith",
                        "Mul",
                        new Args(6, 7),
                        Reply.class))
            .isInstanceOf(ConnectionException.class)
            .hasMessageContaining("exceeds the maximum message length of " + MIB_64);
        await().atMost(Duration.ofSeconds(5)).until(client::isShutdown);
      }
      answered.get(10, TimeUnit.SECONDS);
    }
  }
}
