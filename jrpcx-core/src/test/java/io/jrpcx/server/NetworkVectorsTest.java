package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The http and ws networks byte for byte against what Go rpcx v1.9.1 sent (the shared {@code
 * vectors2} capture, in {@code /vectors2}): a jrpcx server answers the Go client's bytes with the Go
 * server's bytes, and a jrpcx client sends the Go client's bytes (except where noted) to a socket
 * that plays the Go server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetworkVectorsTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  static byte[] vector(String name) {
    try (InputStream in = NetworkVectorsTest.class.getResourceAsStream("/vectors2/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Server server(String network) {
    Server s = NetworkCases.start(network, b -> {});
    closeables.add(s);
    return s;
  }

  private NetworkSocket raw(String network, Server server) {
    NetworkSocket s = NetworkSocket.open(network, server.address(), null);
    closeables.add(s);
    return s;
  }

  @Test
  void httpServerAnswersGosConnectAndFirstCallWithGosBytes() {
    NetworkSocket s = raw("http", server("http"));
    s.writeRaw(vector("http_connect_request.bin"));
    assertThat(s.readRaw(32)).isEqualTo(vector("http_connect_response.bin"));
    s.writeRaw(vector("http_first_request.bin"));
    assertThat(s.readRaw(45)).isEqualTo(vector("http_first_response.bin"));
  }

  @Test
  void httpServerAlsoAnswersAFrameSentInTheSameWriteAsTheConnect() {
    // Go's server would lose this frame; keeping it costs nothing and breaks no Go client.
    NetworkSocket s = raw("http", server("http"));
    s.writeRaw(vector("http_connect_client_stream_head.bin"));
    assertThat(s.readRaw(32)).isEqualTo(vector("http_connect_response.bin"));
    assertThat(s.readRaw(45)).isEqualTo(vector("http_first_response.bin"));
  }

  @Test
  void wsServerAnswersGosUpgradeTextFrameAndCloseWithGosBytes() {
    NetworkSocket s = raw("ws", server("ws"));
    // The capture's key is fixed in the file, so the accept value is too.
    s.writeRaw(vector("ws_upgrade_request.bin"));
    assertThat(s.readHead().getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo(vector("ws_upgrade_response.bin"));
    s.writeRaw(vector("ws_client_first_frame.bin")); // TEXT, masked, binary rpcx content
    assertThat(s.readRaw(47)).isEqualTo(vector("ws_server_first_frame.bin"));
    s.writeRaw(vector("ws_client_close_frame.bin"));
    assertThat(s.readRaw(4)).isEqualTo(vector("ws_server_close_frame.bin"));
    assertThat(s.awaitClosedByServer()).isEmpty();
  }

  /** A socket that plays the Go server for one connection, on a thread of its own. */
  private static final class FakeGoServer implements AutoCloseable {
    final ServerSocket listener;
    final CompletableFuture<Socket> accepted = new CompletableFuture<>();

    FakeGoServer() throws IOException {
      listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      Thread t =
          new Thread(
              () -> {
                try {
                  Socket s = listener.accept();
                  s.setSoTimeout(5000);
                  accepted.complete(s);
                } catch (IOException e) {
                  accepted.completeExceptionally(e);
                }
              },
              "fake-go-server");
      t.setDaemon(true);
      t.start();
    }

    String address() {
      return "127.0.0.1:" + listener.getLocalPort();
    }

    Socket socket() throws Exception {
      return accepted.get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      listener.close();
      if (accepted.isDone() && !accepted.isCompletedExceptionally()) {
        accepted.join().close();
      }
    }
  }

  private static byte[] read(Socket s, int n) throws IOException {
    byte[] b = new byte[n];
    new DataInputStream(s.getInputStream()).readFully(b);
    return b;
  }

  private static String readHead(Socket s) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("the client closed in its upgrade request").isNotNegative();
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void httpClientSendsGosConnectThenItsFirstFrameOnlyAfterTheAnswer() throws Exception {
    FakeGoServer go = new FakeGoServer();
    closeables.add(go);
    Client client = new Client();
    closeables.add(client);
    CompletableFuture<Void> connected =
        CompletableFuture.runAsync(() -> client.connect("http", go.address()));
    Socket s = go.socket();
    assertThat(read(s, 26)).isEqualTo(vector("http_connect_request.bin"));
    assertThat(connected).as("connect() waits for the answer").isNotDone();
    s.getOutputStream().write(vector("http_connect_response.bin"));
    connected.get(5, TimeUnit.SECONDS);
    Call<Reply> call =
        client.go(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class);
    assertThat(read(s, 47)).isEqualTo(vector("http_first_request.bin"));
    s.getOutputStream().write(vector("http_first_response.bin"));
    assertThat(call.done().get(5, TimeUnit.SECONDS).C).isEqualTo(200);
  }

  @Test
  void wsClientUpgradesAsGoDoesAndSendsMaskedBinaryFrames() throws Exception {
    FakeGoServer go = new FakeGoServer();
    closeables.add(go);
    Client client = new Client();
    closeables.add(client);
    CompletableFuture<Void> connected =
        CompletableFuture.runAsync(() -> client.connect("ws", go.address()));
    Socket s = go.socket();
    String head = readHead(s);
    String key = head.replaceAll("(?s).*Sec-WebSocket-Key: ([^\r]*)\r\n.*", "$1");
    assertThat(Base64.getDecoder().decode(key)).hasSize(16);
    // Go's request with this client's key and port: same lines, same order.
    String goRequest =
        new String(vector("ws_upgrade_request.bin"), StandardCharsets.ISO_8859_1)
            .replace("5nPAt9TJ1pGNsBySdvFQ7g==", key)
            .replace("127.0.0.1:38313", go.address());
    assertThat(head).isEqualTo(goRequest);
    String accept =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-1")
                    .digest(
                        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                            .getBytes(StandardCharsets.US_ASCII)));
    s.getOutputStream()
        .write(
            new String(vector("ws_upgrade_response.bin"), StandardCharsets.ISO_8859_1)
                .replace("HHmoREyadyY49SXgH2kekJKBfaY=", accept)
                .getBytes(StandardCharsets.ISO_8859_1));
    connected.get(5, TimeUnit.SECONDS);

    Call<Reply> call =
        client.go(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class);
    byte[] frame = read(s, 2 + 4 + 47);
    // Go sends TEXT (0x81); BINARY (0x82) is what its server sends and both servers accept.
    assertThat(frame[0] & 0xff).as("FIN + BINARY").isEqualTo(0x82);
    assertThat(frame[1] & 0xff).as("masked, 47 bytes").isEqualTo(0x80 | 47);
    byte[] payload = Arrays.copyOfRange(frame, 6, frame.length);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= frame[2 + (i & 3)];
    }
    assertThat(payload).isEqualTo(vector("ws_first_request_rpcx.bin"));
    s.getOutputStream().write(vector("ws_server_first_frame.bin"));
    assertThat(call.done().get(5, TimeUnit.SECONDS).C).isEqualTo(200);
  }
}
