package io.jrpcx.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Raw streams over the side channel: Client and XClient to a jrpcx StreamService. */
@Timeout(30)
class FileTransferStreamTest {
  private Server server;
  private Client client;
  private SideChannel streams;
  private final CompletableFuture<Map<String, String>> handlerMeta = new CompletableFuture<>();

  @BeforeEach
  void start() {
    server = Server.builder().build();
    streams =
        server.enableStreamService(
            StreamService.builder()
                .acceptor(meta -> meta == null || !"deny".equals(meta.get("mode")))
                .handler(
                    (stream, meta) -> {
                      handlerMeta.complete(meta);
                      InputStream in = stream.input();
                      OutputStream out = stream.output();
                      byte[] buf = new byte[8192];
                      for (int n; (n = in.read(buf)) >= 0; ) {
                        for (int i = 0; i < n; i++) {
                          if (buf[i] >= 'a' && buf[i] <= 'z') {
                            buf[i] -= 32;
                          }
                        }
                        out.write(buf, 0, n);
                      }
                    })
                .build());
    server.start("tcp", "127.0.0.1:0");
    client = new Client();
    client.connect("tcp", server.address());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aStreamEchoesWhatItIsSent() throws Exception {
    try (ByteStream stream = client.stream(Context.background(), Map.of("foo", "bar"))) {
      stream.output().write("hello rpcx stream".getBytes(StandardCharsets.US_ASCII));
      stream.shutdownOutput();
      assertThat(new String(stream.input().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("HELLO RPCX STREAM");
    }
    assertThat(handlerMeta.get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("foo", "bar"));
  }

  @Test
  void bothDirectionsFlowAtOnceWithoutBufferingTheWholeStream() throws Exception {
    int size = 8 << 20;
    byte[] data = new byte[size];
    new Random(1).nextBytes(data);
    for (int i = 0; i < size; i++) {
      data[i] = (byte) ('a' + (data[i] & 15)); // lower case letters, so every byte changes
    }
    try (ByteStream stream = client.stream(Context.background(), null)) {
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  stream.output().write(data);
                  stream.shutdownOutput();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      MessageDigest got = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      long total = 0;
      for (int n; (n = stream.input().read(buf)) >= 0; ) {
        got.update(buf, 0, n);
        total += n;
      }
      writer.get(10, TimeUnit.SECONDS);
      assertThat(total).isEqualTo(size);
      byte[] upper =
          new String(data, StandardCharsets.US_ASCII)
              .toUpperCase(java.util.Locale.ROOT)
              .getBytes(StandardCharsets.US_ASCII);
      assertThat(got.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(upper));
    }
  }

  @Test
  void aRefusedStreamFailsWithGosText() {
    assertThatThrownBy(() -> client.stream(Context.background(), Map.of("mode", "deny")))
        .isInstanceOf(ServiceException.class)
        .hasMessage("server refused the connection");
  }

  @Test
  void xclientOpensAStreamThroughItsServicePath() throws IOException {
    try (XClient x =
            XClient.create(
                StreamService.DEFAULT_SERVICE_NAME,
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                new Peer2PeerDiscovery("tcp@" + server.address(), ""),
                ClientOptions.DEFAULT);
        ByteStream stream = x.stream(Context.background(), null)) {
      stream.output().write("xclient".getBytes(StandardCharsets.US_ASCII));
      stream.shutdownOutput();
      assertThat(stream.input().readAllBytes())
          .isEqualTo("XCLIENT".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void theContextDeadlineEndsAStream() throws IOException {
    try (ByteStream stream =
        client.stream(Context.background().withTimeout(Duration.ofMillis(300)), null)) {
      // nothing is written, so the echo never answers: the deadline closes the stream
      assertThatThrownBy(() -> stream.input().read()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void anUnusedStreamTokenServesNothingAfterTheServiceCloses() {
    StreamServiceReply reply =
        client.call(
            Context.background(),
            "_streamservice",
            "Stream",
            new StreamServiceArgs(null),
            StreamServiceReply.class);
    server.close();
    assertThat(streams.outstandingTokens()).isZero();
    assertThat(FileTransferTest.servedAfterClose(reply.addr(), reply.token())).isFalse();
  }

  @Test
  void aClientWithoutTlsRefusesATlsSideChannel() {
    assertThatThrownBy(
            () ->
                SideChannels.stream(
                    (c, m, a, t) -> new StreamServiceReply(new byte[32], "tls@127.0.0.1:1"),
                    null,
                    Context.background(),
                    null))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("no TlsConfig");
  }
}
