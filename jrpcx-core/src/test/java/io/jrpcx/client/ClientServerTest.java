package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.ServiceException;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Message;
import io.jrpcx.server.ServerContext;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A jrpcx Client against a jrpcx Server over real loopback TCP. */
class ClientServerTest {
  private final Gate gate = new Gate();

  @RegisterExtension
  final TestServer server = TestServer.create(b -> {}, s -> s.register("Gate", gate, ""));

  /** Methods that wait until the test opens the gate, to hold calls in flight. */
  public static class Gate {
    final CountDownLatch open = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);

    public String hold(String id) throws InterruptedException {
      entered.countDown();
      if (!open.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate never opened");
      }
      return id;
    }

    public String pass(String id) {
      return id;
    }

    public long deadlineMillis(ServerContext ctx, String ignored) {
      return ctx.deadline() == null ? -1 : ctx.deadline().remaining(TimeUnit.MILLISECONDS);
    }

    public String push(ServerContext ctx, String text) throws Exception {
      ctx.connection()
          .send("Push", "Notify", Map.of("k", "v"), text.getBytes())
          .get(5, TimeUnit.SECONDS);
      return "pushed";
    }

    public CompletableFuture<Reply> mulAsync(Args args) {
      return CompletableFuture.supplyAsync(() -> new Reply(args.A * args.B));
    }

    public Reply mulJava(Args args) {
      return new Reply(args.A * args.B);
    }

    public String big(int n) {
      return "x".repeat(n);
    }

    public byte[] bytes(byte[] b) {
      return b;
    }
  }

  @AfterEach
  void openGate() {
    gate.open.countDown();
  }

  @Test
  void syncCallReturnsTheReply() {
    Client client = server.connect();
    Reply reply = client.call(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class);
    assertThat(reply.C).isEqualTo(200);
  }

  @Test
  void everyBuiltInCodecWorksEndToEnd() {
    for (int type : new int[] {SerializeType.MSGPACK, SerializeType.JSON}) {
      Client client = server.connect(ClientOptions.DEFAULT.toBuilder().serializeType(type).build());
      assertThat(client.call(Context.background(), "Arith", "Add", new Args(3, 4), Reply.class).C)
          .as("serialize type %d", type)
          .isEqualTo(7);
    }
    server.server().register("Bytes", new BytesService(), "");
    Client raw =
        server.connect(ClientOptions.DEFAULT.toBuilder().serializeType(SerializeType.NONE).build());
    assertThat(
            raw.call(Context.background(), "Bytes", "Reverse", new byte[] {1, 2, 3}, byte[].class))
        .containsExactly(3, 2, 1);
  }

  /** Raw-bytes service for SerializeNone. */
  public static class BytesService {
    public byte[] reverse(byte[] in) {
      byte[] out = new byte[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = in[in.length - 1 - i];
      }
      return out;
    }
  }

  @Test
  void javaStyleAndAsynchronousMethodsAreServed() {
    Client client = server.connect();
    assertThat(client.call(Context.background(), "Gate", "MulJava", new Args(6, 7), Reply.class).C)
        .isEqualTo(42);
    assertThat(client.call(Context.background(), "Gate", "MulAsync", new Args(6, 7), Reply.class).C)
        .isEqualTo(42);
  }

  @Test
  void goCompletesTheFutureWithTheReply() throws Exception {
    Client client = server.connect();
    Call<Reply> call =
        client.go(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class);
    assertThat(call.done().get(5, TimeUnit.SECONDS).C).isEqualTo(200);
    assertThat(call.servicePath()).isEqualTo("Arith");
    assertThat(call.serviceMethod()).isEqualTo("Mul");
  }

  @Test
  void thousandConcurrentCallsFromManyThreadsOverOneConnectionAreAllCorrect() throws Exception {
    Client client = server.connect();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<int[]>> results = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int a = i;
        int b = i % 97 + 1;
        results.add(
            pool.submit(
                () ->
                    new int[] {
                      a * b,
                      client.call(Context.background(), "Arith", "Mul", new Args(a, b), Reply.class)
                          .C
                    }));
      }
      for (Future<int[]> f : results) {
        int[] expectedAndActual = f.get(30, TimeUnit.SECONDS);
        assertThat(expectedAndActual[1]).isEqualTo(expectedAndActual[0]);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void responsesAreMatchedBySeqWhenTheyArriveOutOfOrder() throws Exception {
    Client client = server.connect();
    Call<String> slow = client.go(Context.background(), "Gate", "Hold", "first", String.class);
    assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
    // The second call overtakes the first, whose response is still held by the server.
    assertThat(client.call(Context.background(), "Gate", "Pass", "second", String.class))
        .isEqualTo("second");
    assertThat(slow.done()).isNotDone();
    gate.open.countDown();
    assertThat(slow.done().get(5, TimeUnit.SECONDS)).isEqualTo("first");
  }

  @Test
  void deadlineExpiryFailsTheCallWithDeadlineExceeded() {
    Client client = server.connect();
    Context ctx = Context.background().withTimeout(Duration.ofMillis(200));
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.call(ctx, "Gate", "Hold", "x", String.class))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("Gate.Hold");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    // The connection is still usable.
    assertThat(client.call(Context.background(), "Gate", "Pass", "y", String.class)).isEqualTo("y");
  }

  @Test
  void deadlineTravelsAsServerTimeoutAndBecomesTheHandlersDeadline() {
    Client client = server.connect();
    long seen =
        client.call(
            Context.background().withTimeout(Duration.ofSeconds(5)),
            "Gate",
            "DeadlineMillis",
            "",
            Long.class);
    assertThat(seen).isBetween(1L, 5000L);
    assertThat(client.call(Context.background(), "Gate", "DeadlineMillis", "", Long.class))
        .isEqualTo(-1L);
  }

  @Test
  void closeFailsPendingCallsAtOnceWithShutdownError() throws Exception {
    Client client = server.connect();
    Call<String> pending = client.go(Context.background(), "Gate", "Hold", "x", String.class);
    assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
    client.close();
    assertThat(client.isClosing()).isTrue();
    // Already failed when close() returned: close does not wait for the server.
    assertThat(pending.done()).isCompletedExceptionally();
    assertThatThrownBy(pending::await)
        .isInstanceOf(ConnectionException.class)
        .hasMessage("connection is shut down");
    await().atMost(Duration.ofSeconds(5)).until(client::isShutdown);
  }

  @Test
  void callAfterCloseFailsWithShutdownError() {
    Client client = server.connect();
    client.close();
    assertThatThrownBy(
            () -> client.call(Context.background(), "Arith", "Mul", new Args(1, 2), Reply.class))
        .isInstanceOf(ConnectionException.class)
        .hasMessage("connection is shut down");
  }

  @Test
  void stoppedServerLeavesTheClientShutDownAndFailsPendingCalls() throws Exception {
    Client client = server.connect();
    Call<String> pending = client.go(Context.background(), "Gate", "Hold", "x", String.class);
    assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
    server.server().close();
    await().atMost(Duration.ofSeconds(5)).until(client::isShutdown);
    assertThat(client.isClosing()).isFalse();
    assertThatThrownBy(pending::await)
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("connection is shut down");
  }

  @Test
  void heartbeatsAreEchoedAndKeepTheConnection() {
    AtomicInteger heartbeats = new AtomicInteger();
    List<Message> echoes = new java.util.concurrent.CopyOnWriteArrayList<>();
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder()
                .heartbeat(Duration.ofMillis(50))
                .maxWaitForHeartbeat(Duration.ofSeconds(2))
                .plugin(
                    (ClientPlugin.AfterDecode)
                        m -> {
                          if (m.isHeartbeat()) {
                            heartbeats.incrementAndGet();
                            echoes.add(m);
                          }
                        })
                .build());
    await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats.get() >= 3);
    assertThat(client.isShutdown()).isFalse();
    Message echo = echoes.get(0);
    assertThat(echo.isResponse()).isTrue();
    assertThat(echo.serializeType()).isEqualTo(SerializeType.MSGPACK);
    assertThat(echo.servicePath()).isEmpty();
    assertThat(echo.payload()).hasSize(9).startsWith((byte) 0xd3);
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class).C)
        .isEqualTo(6);
  }

  @Test
  void serverPushReachesTheListener() throws Exception {
    CompletableFuture<Message> received = new CompletableFuture<>();
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder().serverMessageListener(received::complete).build());
    assertThat(client.call(Context.background(), "Gate", "Push", "hello", String.class))
        .isEqualTo("pushed");
    Message push = received.get(5, TimeUnit.SECONDS);
    assertThat(push.isOneway()).isTrue();
    assertThat(push.isResponse()).isFalse();
    assertThat(push.serializeType()).isEqualTo(SerializeType.NONE);
    assertThat(push.servicePath()).isEqualTo("Push");
    assertThat(push.serviceMethod()).isEqualTo("Notify");
    assertThat(push.metadata()).containsEntry("k", "v");
    assertThat(new String(push.payload())).isEqualTo("hello");
    assertThat(push.seq()).isPositive();
  }

  @Test
  void requestMetadataReachesTheServiceAndResponseMetadataComesBack() {
    Client client = server.connect();
    Call<Reply> call =
        client.go(
            Context.background().withMetadata("trace_id", "abc-123"),
            "Arith",
            "MulMeta",
            new Args(7, 8),
            Reply.class);
    assertThat(call.await().C).isEqualTo(56);
    assertThat(call.responseMetadata()).containsEntry("trace_id", "abc-123");
  }

  @Test
  void onewayCallRunsOnTheServerAndGetsNoResponse() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    server.server().register("Sink", new SinkService(ran), "");
    AtomicInteger responses = new AtomicInteger();
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder()
                .plugin(
                    (ClientPlugin.AfterDecode)
                        m -> {
                          if (!m.isHeartbeat()) {
                            responses.incrementAndGet();
                          }
                        })
                .build());
    assertThat(client.call(Context.background(), "Sink", "Put", "x", (Class<?>) null)).isNull();
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    // A later call's response is the first frame to come back.
    client.call(Context.background(), "Arith", "Mul", new Args(1, 1), Reply.class);
    assertThat(responses.get()).isEqualTo(1);
  }

  /** Counts oneway deliveries. */
  public static class SinkService {
    private final CountDownLatch ran;

    SinkService(CountDownLatch ran) {
      this.ran = ran;
    }

    public String put(String s) {
      ran.countDown();
      return s;
    }
  }

  @Test
  void serviceErrorsComeBackAsServiceExceptionAndKeepTheConnection() {
    Client client = server.connect();
    assertThatThrownBy(
            () -> client.call(Context.background(), "Arith", "Error", new Args(7, 8), Reply.class))
        .isInstanceOf(ServiceException.class)
        .hasMessage("arith: intentional error (A*B=56)")
        .satisfies(e -> assertThat(((ServiceException) e).isServiceError()).isTrue());
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(7, 8), Reply.class).C)
        .isEqualTo(56);
  }

  @Test
  void multiMegabytePayloadsCrossIntactBothWaysWhileOthersShareTheConnection() throws Exception {
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder()
                .serializeType(io.jrpcx.codec.SerializeType.NONE)
                .build());
    java.util.Random random = new java.util.Random(42);
    List<byte[]> sent = new java.util.ArrayList<>();
    List<Call<byte[]>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // Large frames arrive in many reads; small ones in between must not be disturbed.
      byte[] payload = new byte[i % 3 == 0 ? 37 : (3 << 20) + i];
      random.nextBytes(payload);
      sent.add(payload);
      calls.add(client.go(Context.background(), "Gate", "Bytes", payload, byte[].class));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(calls.get(i).done().get(30, TimeUnit.SECONDS))
          .as("reply %d", i)
          .isEqualTo(sent.get(i));
    }
  }

  @Test
  void largePayloadsAreGzippedBothWaysWhenTheClientAsks() {
    List<Message> inbound = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Message> outbound = new java.util.concurrent.CopyOnWriteArrayList<>();
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder()
                .compressType(CompressType.GZIP)
                .plugin((ClientPlugin.AfterDecode) inbound::add)
                .plugin((ClientPlugin.BeforeEncode) outbound::add)
                .build());
    String big = "rpcx-interop-".repeat(200);
    assertThat(client.call(Context.background(), "Echo", "Echo", big, String.class)).isEqualTo(big);
    assertThat(client.call(Context.background(), "Echo", "Echo", "small", String.class))
        .isEqualTo("small");
    assertThat(outbound.get(0).compressType()).isEqualTo(CompressType.GZIP);
    assertThat(inbound.get(0).compressType()).isEqualTo(CompressType.GZIP);
    assertThat(outbound.get(1).compressType()).isEqualTo(CompressType.NONE);
    assertThat(inbound.get(1).compressType()).isEqualTo(CompressType.NONE);
  }

  @Test
  void clientPluginHooksSeeEveryStep() {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    class Recorder
        implements ClientPlugin.PreCall,
            ClientPlugin.PostCall,
            ClientPlugin.ConnectionCreated,
            ClientPlugin.ConnectionClosed,
            ClientPlugin.BeforeEncode,
            ClientPlugin.AfterDecode {
      @Override
      public void preCall(Context ctx, String path, String method, Object args) {
        events.add("preCall " + path + "." + method);
      }

      @Override
      public void postCall(
          Context ctx, String path, String method, Object args, Object reply, Throwable error) {
        events.add("postCall " + ((Reply) reply).C);
      }

      @Override
      public void connectionCreated(String network, String address) {
        events.add("created " + network);
      }

      @Override
      public void connectionClosed(String network, String address) {
        events.add("closed " + network);
      }

      @Override
      public void beforeEncode(Message request) {
        request.putMetadata("added", "by-plugin");
        events.add("beforeEncode");
      }

      @Override
      public void afterDecode(Message message) {
        events.add("afterDecode " + message.metadata().get("added"));
      }
    }
    Client client =
        server.connect(ClientOptions.DEFAULT.toBuilder().plugin(new Recorder()).build());
    client.call(Context.background(), "Arith", "MulMeta", new Args(2, 3), Reply.class);
    client.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("closed tcp"));
    assertThat(events)
        .containsExactly(
            "created tcp",
            "preCall Arith.MulMeta",
            "beforeEncode",
            "afterDecode by-plugin",
            "postCall 6",
            "closed tcp");
  }

  @Test
  void connectToAClosedPortFailsWithConnectionRefused() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Client client = new Client();
    assertThatThrownBy(() -> client.connect("tcp", "127.0.0.1:" + port))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("connection refused");
    assertThat(client.isShutdown()).isFalse();
  }

  @Test
  void idleTimeoutClosesASilentConnection() {
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder().idleTimeout(Duration.ofMillis(200)).build());
    await().atMost(Duration.ofSeconds(10)).until(client::isShutdown);
    assertThatThrownBy(
            () -> client.call(Context.background(), "Arith", "Mul", new Args(1, 2), Reply.class))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("idle timeout");
  }

  @Test
  void replyAboveTheClientsMaximumClosesTheConnectionAndSaysWhy() {
    Client client =
        server.connect(ClientOptions.DEFAULT.toBuilder().maxMessageLength(1024).build());
    assertThatThrownBy(() -> client.call(Context.background(), "Gate", "Big", 5000, String.class))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("exceeds the maximum message length of 1024");
    await().atMost(Duration.ofSeconds(5)).until(client::isShutdown);
  }

  @Test
  void requestAboveTheMaximumFailsLocallyAndKeepsTheConnection() {
    Client client =
        server.connect(ClientOptions.DEFAULT.toBuilder().maxMessageLength(1024).build());
    assertThatThrownBy(
            () -> client.call(Context.background(), "Echo", "Echo", "y".repeat(5000), String.class))
        .isInstanceOf(io.jrpcx.protocol.ProtocolException.class)
        .hasMessageContaining("exceeds the maximum message length");
    assertThat(client.call(Context.background(), "Echo", "Echo", "ok", String.class))
        .isEqualTo("ok");
  }

  @Test
  void argumentsTheCodecCannotEncodeFailTheCallLocally() {
    Client raw =
        server.connect(ClientOptions.DEFAULT.toBuilder().serializeType(SerializeType.NONE).build());
    assertThatThrownBy(
            () -> raw.call(Context.background(), "Echo", "Echo", "not bytes", byte[].class))
        .isInstanceOf(io.jrpcx.CodecException.class)
        .hasMessageContaining("SerializeNone can only send byte[]");
    assertThat(raw.isShutdown()).isFalse();
  }

  @Test
  void unixDomainSocketsWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    io.jrpcx.server.Server unixServer = io.jrpcx.server.Server.builder().build();
    String path = dir.resolve("jrpcx.sock").toString();
    try (Client client = new Client()) {
      unixServer.register("Arith", new io.jrpcx.testing.ArithService(), "");
      unixServer.start("unix", path);
      client.connect("unix", path);
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(4, 5), Reply.class).C)
          .isEqualTo(20);
    } finally {
      unixServer.close();
    }
  }
}
