package io.jrpcx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Message;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.EchoService;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.Vectors;
import io.jrpcx.testing.Vectors.Vector;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interoperability with Go rpcx, byte for byte, using frames recorded from the real Go
 * implementation (no Go toolchain can reach the rpcx module from this machine, so the recordings
 * stand in for the Go peer).
 *
 * <p>Go client to jrpcx server: every recorded Go request is sent to a jrpcx server serving the
 * same Arith and Echo services; the answer must be the response the Go server gave.
 *
 * <p>jrpcx client to Go server: a socket peer checks that each jrpcx request is byte-identical to
 * the recorded Go request, then answers with the recorded Go response, which the client decodes.
 */
class GoInteropTest {
  private static final FrameCodec FRAMES = FrameCodec.defaults();

  /** Responses whose error text comes from Go's own msgpack library: Java words it differently. */
  private static final Set<String> GO_LIBRARY_ERROR_TEXT =
      Set.of("msgpack_mul_with_json_payload_bad_response");

  private static final List<String> REPORT = new ArrayList<>();

  private Server server;

  @BeforeEach
  void startJavaServer() {
    server =
        Server.builder()
            .codecs(Codecs.defaults().toBuilder().add(new ProtoArithCodec()).build())
            .build();
    server.register("Arith", new ArithService(), "");
    server.register("Echo", new EchoService(), "");
    server.start("tcp", "127.0.0.1:0");
  }

  @AfterEach
  void stopJavaServer() {
    server.close();
  }

  @AfterAll
  static void printReport() {
    System.out.println("Go client -> jrpcx server, per recorded Go request:");
    REPORT.forEach(line -> System.out.println("  " + line));
  }

  static Stream<Vector> goRequestsWithResponses() {
    return Vectors.all().stream().filter(v -> v.isRequest() && v.pair() != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goRequestsWithResponses")
  void goRequestGetsTheResponseTheGoServerGave(Vector request) throws Exception {
    Vector expected = Vectors.get(request.pair());
    try (Socket s = connect()) {
      s.getOutputStream().write(request.bytes);
      byte[] actual = readFrame(s.getInputStream());
      Message got = FRAMES.decode(actual);
      Message want = FRAMES.decode(expected.bytes);
      String outcome;
      if (GO_LIBRARY_ERROR_TEXT.contains(expected.name)) {
        assertSameExceptErrorText(got, want);
        assertThat(got.errorText()).contains("decode");
        outcome = "same frame, error text worded by Java: " + got.errorText();
      } else if (expected.compressType() != CompressType.NONE) {
        assertSameFields(got, want);
        outcome = "same fields and payload (gzip bytes differ by encoder)";
      } else {
        assertThat(HexFormat.of().formatHex(actual))
            .as("bytes of %s", expected.name)
            .isEqualTo(HexFormat.of().formatHex(expected.bytes));
        outcome = "byte-identical";
      }
      synchronized (REPORT) {
        REPORT.add(String.format("%-42s %s", request.name, outcome));
      }
    }
  }

  static Stream<Vector> goOnewayRequests() {
    return Vectors.all().stream().filter(Vector::expectsNoResponse);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goOnewayRequests")
  void goOnewayRequestGetsNoResponse(Vector oneway) throws Exception {
    Vector heartbeat = Vectors.get("heartbeat_request");
    try (Socket s = connect()) {
      s.getOutputStream().write(oneway.bytes);
      s.getOutputStream().write(heartbeat.bytes);
      // The first frame back answers the heartbeat: the oneway call produced nothing.
      assertThat(readFrame(s.getInputStream())).isEqualTo(Vectors.get("heartbeat_response").bytes);
      synchronized (REPORT) {
        REPORT.add(String.format("%-42s no response, as in Go", oneway.name));
      }
    }
  }

  // ---- jrpcx client against recorded Go server answers ----

  @Test
  void jsonCallIsByteIdenticalToGoAndDecodesGoReply() throws Exception {
    try (GoPeer go = new GoPeer(replay("json_mul_request", "json_mul_response"))) {
      Client client = go.client(SerializeType.JSON);
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(7, 8), Reply.class).C)
          .isEqualTo(56);
    }
  }

  @Test
  void msgpackCallIsByteIdenticalToGoAndDecodesGoReply() throws Exception {
    try (GoPeer go = new GoPeer(replay("msgpack_mul_request", "msgpack_mul_response"))) {
      Client client = go.client(SerializeType.MSGPACK);
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(7, 8), Reply.class).C)
          .isEqualTo(56);
    }
  }

  @Test
  void msgpackNegativeAndWideIntegersMatchGo() throws Exception {
    try (GoPeer go =
        new GoPeer(replay("msgpack_add_negative_request", "msgpack_add_negative_response"))) {
      Client client = go.client(SerializeType.MSGPACK);
      assertThat(
              client.call(Context.background(), "Arith", "Add", new Args(-300, 70000), Reply.class)
                  .C)
          .isEqualTo(69700);
    }
  }

  @Test
  void protobufCodecRegisteredByTheApplicationMatchesGo() throws Exception {
    try (GoPeer go = new GoPeer(replay("protobuf_mul_request", "protobuf_mul_response"))) {
      Client client =
          go.client(
              ClientOptions.DEFAULT.toBuilder()
                  .codecs(Codecs.defaults().toBuilder().add(new ProtoArithCodec()).build())
                  .serializeType(SerializeType.PROTOBUF)
                  .build());
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(7, 8), Reply.class).C)
          .isEqualTo(56);
    }
  }

  @Test
  void requestMetadataIsEncodedLikeGo() throws Exception {
    try (GoPeer go = new GoPeer(replay("json_mul_meta_request", "json_mul_meta_response"))) {
      Client client = go.client(SerializeType.JSON);
      Context ctx = Context.background().withMetadata("trace_id", "abc-123");
      assertThat(client.call(ctx, "Arith", "Mul", new Args(7, 8), Reply.class).C).isEqualTo(56);
    }
  }

  @Test
  void responseMetadataFromGoReachesTheCall() throws Exception {
    try (GoPeer go =
        new GoPeer(replay("json_mulmeta_resmeta_request", "json_mulmeta_resmeta_response"))) {
      Client client = go.client(SerializeType.JSON);
      var call =
          client.go(
              Context.background().withMetadata("echo", "hello"),
              "Arith",
              "MulMeta",
              new Args(7, 8),
              Reply.class);
      assertThat(call.await().C).isEqualTo(56);
      assertThat(call.responseMetadata()).containsEntry("echo", "hello");
    }
  }

  @Test
  void goErrorResponsesBecomeServiceExceptionsWithGoText() throws Exception {
    for (String[] pair :
        new String[][] {
          {
            "json_error_request",
            "json_error_response",
            "Error",
            "arith: intentional error (A*B=56)"
          },
          {"json_div_zero_request", "json_div_zero_response", "Div", "divide by zero"}
        }) {
      try (GoPeer go = new GoPeer(replay(pair[0], pair[1]))) {
        Client client = go.client(SerializeType.JSON);
        Args args = pair[2].equals("Div") ? new Args(7, 0) : new Args(7, 8);
        assertThatThrownBy(
                () -> client.call(Context.background(), "Arith", pair[2], args, Reply.class))
            .isInstanceOf(ServiceException.class)
            .hasMessage(pair[3]);
      }
    }
  }

  @Test
  void goLookupErrorsBecomeServiceExceptions() throws Exception {
    try (GoPeer go =
        new GoPeer(replay("json_unknown_service_request", "json_unknown_service_response"))) {
      Client client = go.client(SerializeType.JSON);
      assertThatThrownBy(
              () ->
                  client.call(
                      Context.background(), "NoSuchService", "Mul", new Args(7, 8), Reply.class))
          .isInstanceOf(ServiceException.class)
          .hasMessage("rpcx: can't find service NoSuchService");
    }
  }

  @Test
  void onewayCallIsByteIdenticalToGo() throws Exception {
    BlockingQueue<byte[]> seen = new LinkedBlockingQueue<>();
    try (GoPeer go =
        new GoPeer(
            req -> {
              seen.add(req);
              return null;
            })) {
      Client client = go.client(SerializeType.JSON);
      client.call(Context.background(), "Arith", "Mul", new Args(7, 8), (Class<?>) null);
      byte[] sent = seen.poll(5, TimeUnit.SECONDS);
      assertThat(sent).isNotNull();
      Vector goOneway = Vectors.get("json_oneway_mul_request");
      assertThat(hex(withSeq(sent, goOneway))).isEqualTo(hex(goOneway.bytes));
    }
  }

  @Test
  void smallPayloadIsNotCompressedEvenWithGzipConfiguredLikeGo() throws Exception {
    try (GoPeer go =
        new GoPeer(
            replay(
                "captured_msgpack_gzip_mul_small_request",
                "captured_msgpack_gzip_mul_small_response"))) {
      Client client =
          go.client(ClientOptions.DEFAULT.toBuilder().compressType(CompressType.GZIP).build());
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(7, 8), Reply.class).C)
          .isEqualTo(56);
    }
  }

  @Test
  void gzippedEchoInteroperatesWithGoGzip() throws Exception {
    Vector goRequest = Vectors.get("captured_json_gzip_echo_request");
    Vector goResponse = Vectors.get("captured_json_gzip_echo_response");
    try (GoPeer go =
        new GoPeer(
            req -> {
              Message mine = FRAMES.decode(req);
              assertSameFields(
                  mine.setSeq(goRequest.manifest.get("seq").asLong()),
                  FRAMES.decode(goRequest.bytes));
              return withSeq(goResponse.bytes, FRAMES.decode(req).seq());
            })) {
      Client client =
          go.client(
              ClientOptions.DEFAULT.toBuilder()
                  .serializeType(SerializeType.JSON)
                  .compressType(CompressType.GZIP)
                  .build());
      String text = new String(goRequest.payload()).replace("\"", "");
      assertThat(client.call(Context.background(), "Echo", "Echo", text, String.class))
          .isEqualTo(text);
    }
  }

  @Test
  void heartbeatFrameHasGoShapeAndGoEchoKeepsTheConnection() throws Exception {
    Vector goHeartbeat = Vectors.get("captured_heartbeat_request");
    BlockingQueue<Message> heartbeats = new LinkedBlockingQueue<>();
    try (GoPeer go =
        new GoPeer(
            req -> {
              Message m = FRAMES.decode(req);
              heartbeats.add(m);
              req[2] |= (byte) 0x80; // a Go server echoes the frame with the response bit set
              return req;
            })) {
      Client client =
          go.client(ClientOptions.DEFAULT.toBuilder().heartbeat(Duration.ofMillis(50)).build());
      Message first = heartbeats.poll(5, TimeUnit.SECONDS);
      Message second = heartbeats.poll(5, TimeUnit.SECONDS);
      assertThat(second).isNotNull();
      Message want = FRAMES.decode(goHeartbeat.bytes);
      for (Message m : List.of(first, second)) {
        assertThat(m.isHeartbeat()).isTrue();
        assertThat(m.isOneway()).isFalse();
        assertThat(m.serializeType()).isEqualTo(want.serializeType());
        assertThat(m.servicePath()).isEqualTo(want.servicePath()).isEmpty();
        assertThat(m.serviceMethod()).isEqualTo(want.serviceMethod()).isEmpty();
        assertThat(m.metadata()).isEmpty();
        assertThat(m.payload()).hasSize(want.payload().length).startsWith((byte) 0xd3);
      }
      assertThat(client.isShutdown()).isFalse();
    }
  }

  @Test
  void deadlineIsSentAsServerTimeoutLikeGo() throws Exception {
    Vector goRequest = Vectors.get("captured_msgpack_mul_deadline_meta_request");
    BlockingQueue<Message> seen = new LinkedBlockingQueue<>();
    try (GoPeer go =
        new GoPeer(
            req -> {
              seen.add(FRAMES.decode(req));
              return withSeq(
                  Vectors.get("captured_msgpack_mul_deadline_meta_response").bytes,
                  FRAMES.decode(req).seq());
            })) {
      Client client = go.client(SerializeType.MSGPACK);
      Context ctx =
          Context.background()
              .withTimeout(Duration.ofSeconds(5))
              .withMetadata("trace_id", "abc-123");
      assertThat(client.call(ctx, "Arith", "Mul", new Args(7, 8), Reply.class).C).isEqualTo(56);
      Message mine = seen.poll(5, TimeUnit.SECONDS);
      Message want = FRAMES.decode(goRequest.bytes);
      assertThat(mine.metadata().keySet()).isEqualTo(want.metadata().keySet());
      assertThat(Long.parseLong(mine.metadata(Message.SERVER_TIMEOUT_KEY))).isBetween(1L, 5000L);
      assertThat(mine.payload()).isEqualTo(want.payload());
    }
  }

  // ---- helpers ----

  /**
   * Answers a jrpcx request with the recorded Go response, after checking the request is the
   * recorded Go request byte for byte (seq aside: Go's recordings start at other numbers).
   */
  private static Function<byte[], byte[]> replay(String requestName, String responseName) {
    Vector goRequest = Vectors.get(requestName);
    Vector goResponse = Vectors.get(responseName);
    return req -> {
      assertThat(hex(withSeq(req, goRequest)))
          .as("jrpcx request vs Go's %s", requestName)
          .isEqualTo(hex(goRequest.bytes));
      return withSeq(goResponse.bytes, FRAMES.decode(req).seq());
    };
  }

  private Socket connect() throws IOException {
    Socket s =
        new Socket(
            InetAddress.getLoopbackAddress(),
            Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1)));
    s.setSoTimeout(5_000);
    return s;
  }

  static byte[] readFrame(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] header = new byte[16];
    data.readFully(header);
    int totalLen = ByteBuffer.wrap(header, 12, 4).getInt();
    byte[] frame = Arrays.copyOf(header, 16 + totalLen);
    data.readFully(frame, 16, totalLen);
    return frame;
  }

  private static byte[] withSeq(byte[] frame, Vector v) {
    return withSeq(frame, v.manifest.get("seq").asLong());
  }

  private static byte[] withSeq(byte[] frame, long seq) {
    byte[] copy = frame.clone();
    ByteBuffer.wrap(copy).putLong(4, seq);
    return copy;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static void assertSameFields(Message got, Message want) {
    assertSameExceptErrorText(got, want);
    assertThat(got.metadata()).isEqualTo(want.metadata());
  }

  private static void assertSameExceptErrorText(Message got, Message want) {
    assertThat(got.version()).isEqualTo(want.version());
    assertThat(got.isResponse()).isEqualTo(want.isResponse());
    assertThat(got.isHeartbeat()).isEqualTo(want.isHeartbeat());
    assertThat(got.isOneway()).isEqualTo(want.isOneway());
    assertThat(got.compressType()).isEqualTo(want.compressType());
    assertThat(got.statusType()).isEqualTo(want.statusType());
    assertThat(got.serializeType()).isEqualTo(want.serializeType());
    assertThat(got.seq()).isEqualTo(want.seq());
    assertThat(got.servicePath()).isEqualTo(want.servicePath());
    assertThat(got.serviceMethod()).isEqualTo(want.serviceMethod());
    assertThat(got.metadata().keySet()).isEqualTo(want.metadata().keySet());
    assertThat(got.payload()).isEqualTo(want.payload());
  }

  /**
   * A stand-in Go server on a real socket: reads each request frame and answers with what the
   * script returns (nothing for null). Assertion failures inside the script are rethrown by
   * {@link #close()}.
   */
  private static final class GoPeer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread thread;
    private final List<Client> clients = new ArrayList<>();
    private volatile Throwable failure;

    GoPeer(Function<byte[], byte[]> script) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                try (Socket s = socket.accept()) {
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  while (true) {
                    byte[] answer = script.apply(readFrame(in));
                    if (answer != null) {
                      out.write(answer);
                      out.flush();
                    }
                  }
                } catch (IOException endOfStream) {
                  // the client closed the connection
                } catch (Throwable t) {
                  failure = t;
                }
              },
              "go-peer");
      thread.setDaemon(true);
      thread.start();
    }

    Client client(int serializeType) {
      return client(ClientOptions.DEFAULT.toBuilder().serializeType(serializeType).build());
    }

    Client client(ClientOptions options) {
      Client c = new Client(options);
      clients.add(c);
      c.connect("tcp", "127.0.0.1:" + socket.getLocalPort());
      return c;
    }

    @Override
    public void close() throws Exception {
      clients.forEach(Client::close);
      socket.close();
      thread.join(5_000);
      if (failure instanceof Error) {
        throw (Error) failure;
      }
      if (failure != null) {
        throw new AssertionError("Go peer failed", failure);
      }
    }
  }
}
