package io.jrpcx.server;

import static io.jrpcx.server.RawRpcxSocket.CODEC;
import static io.jrpcx.server.RawRpcxSocket.intAt;
import static io.jrpcx.server.RawRpcxSocket.json;
import static io.jrpcx.server.RawRpcxSocket.mul;
import static io.jrpcx.server.RawRpcxSocket.putInt;
import static io.jrpcx.server.RawRpcxSocket.replyC;
import static io.jrpcx.server.RawRpcxSocket.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed and hostile input against a real server over loopback TCP, spoken by a plain socket.
 * Bytes that are not rpcx close only their own connection; requests that are well-formed but
 * cannot be served get an rpcx error response on a connection that stays usable. After every
 * case another connection still gets {@code Arith.Mul} answered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  /** One row per case, as observed: printed once after the class. */
  private static final Map<String, String> OUTCOMES = new LinkedHashMap<>();

  private final Probe probe = new Probe();
  private final List<Server> extraServers = new ArrayList<>();

  @RegisterExtension
  final TestServer server = TestServer.create(b -> {}, s -> s.register("Probe", probe, ""));

  /** Test service: a method that blocks until released and one that throws. */
  public static class Probe {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch exited = new CountDownLatch(1);
    final AtomicInteger slowCalls = new AtomicInteger();
    final AtomicInteger quickCalls = new AtomicInteger();

    public Reply quick(Args a) {
      quickCalls.incrementAndGet();
      return new Reply(a.A * a.B);
    }

    public Reply slow(Args a) throws InterruptedException {
      slowCalls.incrementAndGet();
      entered.countDown();
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("slow was never released");
        }
        return new Reply(a.A * a.B);
      } finally {
        exited.countDown();
      }
    }

    public Reply boom(Args a) {
      throw new IllegalStateException("boom");
    }
  }

  @AfterEach
  void closeExtraServers() {
    probe.release.countDown();
    for (Server s : extraServers) {
      s.close();
    }
  }

  @AfterAll
  static void printOutcomes() {
    StringBuilder table = new StringBuilder("\nbad input | outcome\n--- | ---\n");
    synchronized (OUTCOMES) {
      OUTCOMES.forEach(
          (input, outcome) -> table.append(input).append(" | ").append(outcome).append('\n'));
    }
    System.out.println(table);
  }

  // ---- protocol-level garbage: only that connection is closed ---------------------------------

  @Test
  @Order(1)
  void wrongMagicClosesOnlyThatConnection() {
    byte[] frame = CODEC.encode(mul(1, 6, 7));
    frame[0] = 0x09;
    closesOnlyThatConnection(server.address(), "wrong magic byte (0x09 instead of 0x08)", frame);
  }

  @Test
  @Order(2)
  void totalLenAboveMaxMessageLengthClosesWithoutWaitingForTheBody() {
    Server limited = startServer(b -> b.maxMessageLength(1024));
    byte[] header = HexFormat.of().parseHex("08000010" + "0000000000000001" + "00000000");
    putInt(header, 12, 4096); // frame of 16 + 4096 bytes > 1024; the body is never sent
    closesOnlyThatConnection(
        limited.address(), "header only, totalLen 4096 > maxMessageLength(1024)", header);
  }

  @Test
  @Order(3)
  void servicePathLengthPastTheFrameClosesOnlyThatConnection() {
    byte[] frame = CODEC.encode(mul(1, 6, 7));
    putInt(frame, 16, frame.length); // path length larger than everything after it
    closesOnlyThatConnection(
        server.address(), "service path length past the end of the frame", frame);
  }

  @Test
  @Order(4)
  void metadataKeyLengthPastTheMetadataBlockClosesOnlyThatConnection() {
    byte[] frame = CODEC.encode(mul(1, 6, 7).putMetadata("key", "value"));
    int metaOffset = metadataBlockOffset(frame);
    int blockLen = intAt(frame, metaOffset);
    assertThat(blockLen).isEqualTo(4 + 3 + 4 + 5);
    putInt(frame, metaOffset + 4, blockLen); // key length runs past the block (M unchanged)
    closesOnlyThatConnection(
        server.address(), "metadata block whose key length runs past the block", frame);
  }

  @Test
  @Order(5)
  void metadataValueLengthPastTheMetadataBlockClosesOnlyThatConnection() {
    byte[] frame = CODEC.encode(mul(1, 6, 7).putMetadata("key", "value"));
    int metaOffset = metadataBlockOffset(frame);
    int valueLenOffset = metaOffset + 4 + 4 + 3;
    assertThat(intAt(frame, valueLenOffset)).isEqualTo(5);
    putInt(frame, valueLenOffset, 6); // one byte more than the block holds
    closesOnlyThatConnection(
        server.address(), "metadata block whose value length runs past the block", frame);
  }

  @Test
  @Order(6)
  void unknownCompressTypeClosesOnlyThatConnection() {
    byte[] frame = CODEC.encode(mul(1, 6, 7));
    frame[2] |= (byte) (3 << 2); // compress type 3: no compressor registered
    closesOnlyThatConnection(server.address(), "unknown compress type 3 (flags bits 2..4)", frame);
  }

  @Test
  @Order(7)
  void gzipPayloadInflatingPastMaxDecompressedLengthClosesOnlyThatConnection() {
    Server limited = startServer(b -> b.maxDecompressedLength(1 << 20));
    Message bomb =
        request(1, "Arith", "Mul", SerializeType.JSON, new byte[10 << 20])
            .setCompressType(CompressType.GZIP);
    byte[] frame = CODEC.encode(bomb);
    assertThat(frame.length).as("10 MB of zeros, gzipped").isLessThan(64 << 10);
    closesOnlyThatConnection(
        limited.address(),
        "gzip payload of "
            + frame.length
            + " bytes inflating to 10 MB, maxDecompressedLength(1 MB)",
        frame);
  }

  @Test
  @Order(8)
  void totalLenTooShortForTheLengthFieldsClosesOnlyThatConnection() {
    byte[] frame =
        HexFormat.of().parseHex("08000010" + "0000000000000001" + "00000004" + "00000000");
    closesOnlyThatConnection(
        server.address(), "totalLen 4 (< the 16 bytes of length fields)", frame);
  }

  @Test
  @Order(9)
  void httpRequestClosesOnlyThatConnection() {
    closesOnlyThatConnection(
        server.address(),
        "HTTP text \"GET / HTTP/1.1\\r\\n\\r\\n\"",
        "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  // ---- well-formed but unservable: error response on the same, still usable connection --------

  @Test
  @Order(10)
  void unknownSerializeTypeGetsCodecErrorOnTheSameConnection() {
    Message response =
        errorOnTheSameConnection(
            server.address(), request(7, "Arith", "Mul", 9, json("{\"A\":6,\"B\":7}")));
    assertThat(response.errorText()).isEqualTo("can not find codec for 9");
    assertThat(response.serializeType()).isEqualTo(9);
    record("unknown serialize type 9", response);
  }

  @Test
  @Order(11)
  void unknownServiceGetsErrorOnTheSameConnection() {
    Message response =
        errorOnTheSameConnection(
            server.address(),
            request(7, "NoSuchService", "Mul", SerializeType.JSON, json("{\"A\":6,\"B\":7}")));
    assertThat(response.errorText()).isEqualTo("rpcx: can't find service NoSuchService");
    record("unknown service", response);
  }

  @Test
  @Order(12)
  void unknownMethodGetsErrorOnTheSameConnection() {
    Message response =
        errorOnTheSameConnection(
            server.address(),
            request(7, "Arith", "NoSuchMethod", SerializeType.JSON, json("{\"A\":6,\"B\":7}")));
    assertThat(response.errorText()).isEqualTo("rpcx: can't find method NoSuchMethod");
    record("unknown method", response);
  }

  @Test
  @Order(13)
  void argsThatDoNotDecodeGetDecodeErrorOnTheSameConnection() {
    Message response =
        errorOnTheSameConnection(
            server.address(),
            request(7, "Arith", "Mul", SerializeType.MSGPACK, json("{\"A\":6,\"B\":7}")));
    assertThat(response.errorText()).containsIgnoringCase("decode");
    assertThat(response.serializeType()).isEqualTo(SerializeType.MSGPACK);
    record("JSON args sent as msgpack (serialize type 3)", response);
  }

  @Test
  @Order(14)
  void throwingHandlerGetsItsMessageWithoutStackTrace() {
    Message response =
        errorOnTheSameConnection(
            server.address(),
            request(7, "Probe", "Boom", SerializeType.JSON, json("{\"A\":6,\"B\":7}")));
    assertThat(response.errorText()).isEqualTo("boom").doesNotContain("\tat ");
    record("handler throws IllegalStateException(\"boom\")", response);
  }

  @Test
  @Order(15)
  void throwingHandlerGetsStackTraceWhenIncludeStackTracesIsOn() {
    Server traced = startServer(b -> b.includeStackTraces(true));
    Message response =
        errorOnTheSameConnection(
            traced.address(),
            request(7, "Probe", "Boom", SerializeType.JSON, json("{\"A\":6,\"B\":7}")));
    assertThat(response.errorText())
        .startsWith("boom")
        .contains("java.lang.IllegalStateException: boom")
        .contains("\tat ");
    record(
        "handler throws, includeStackTraces(true)",
        "error response on the same connection: \"boom\" + Java stack trace ("
            + response.errorText().lines().count()
            + " lines); connection stays usable");
  }

  @Test
  @Order(16)
  void handlerStillRunningAtServerTimeoutGetsDeadlineErrorWhileItIsBlocked() throws Exception {
    String address = server.address();
    try (RawRpcxSocket s = RawRpcxSocket.connect(address)) {
      Message slow =
          request(7, "Probe", "Slow", SerializeType.JSON, json("{\"A\":6,\"B\":7}"))
              .putMetadata(Message.SERVER_TIMEOUT_KEY, "200");
      long start = System.nanoTime();
      Message response;
      try {
        s.send(slow);
        byte[] frame = s.readFrame();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        response = CODEC.decode(frame);
        assertThat(probe.entered.getCount()).as("slow was started").isZero();
        assertThat(probe.exited.getCount()).as("slow is still blocked").isEqualTo(1);
        assertErrorResponseTo(slow, frame, response);
        assertThat(response.errorText()).contains("deadline");
        assertThat(elapsedMs).as("ms until the error").isBetween(190L, 3_000L);
        record(
            "__ServerTimeout=200 while the handler blocks",
            "error response after "
                + elapsedMs
                + " ms, handler still blocked: \""
                + response.errorText()
                + "\"; connection stays usable");
      } finally {
        probe.release.countDown();
      }
      assertThat(probe.exited.await(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      // The late result of the released method has nowhere to go: the next frame is this one's.
      Message good = s.call(mul(8, 6, 7));
      assertThat(good.seq()).isEqualTo(8);
      assertThat(good.isError()).isFalse();
      assertThat(replyC(good)).isEqualTo(42);
      assertThat(s.bytesArrivingWithin(Duration.ofMillis(200)))
          .as("no second response for the timed-out call")
          .isZero();
    }
    assertStillServes(address);
  }

  @Test
  @Order(17)
  void serverTimeoutOfZeroGetsErrorWithoutRunningTheMethod() {
    Message response =
        errorOnTheSameConnection(
            server.address(),
            request(7, "Probe", "Slow", SerializeType.JSON, json("{\"A\":6,\"B\":7}"))
                .putMetadata(Message.SERVER_TIMEOUT_KEY, "0"));
    assertThat(response.errorText()).contains("deadline");
    assertThat(probe.slowCalls).as("calls of Probe.Slow").hasValue(0);
    record(
        "__ServerTimeout=0",
        "error response without running the method: \""
            + response.errorText()
            + "\"; connection stays usable");
  }

  @Test
  @Order(18)
  void mostNegativeServerTimeoutGetsErrorWithoutRunningTheMethod() {
    // A remaining time of Long.MIN_VALUE ms is long expired, like any negative value. Converted
    // to nanoseconds it saturates to Long.MIN_VALUE, and now + MIN_VALUE - later must not wrap
    // around into "far in the future".
    Message req =
        request(7, "Probe", "Quick", SerializeType.JSON, json("{\"A\":6,\"B\":7}"))
            .putMetadata(Message.SERVER_TIMEOUT_KEY, Long.toString(Long.MIN_VALUE));
    try (RawRpcxSocket s = RawRpcxSocket.connect(server.address())) {
      s.send(req);
      byte[] frame = s.readFrame();
      Message response = CODEC.decode(frame);
      record(
          "__ServerTimeout=" + Long.MIN_VALUE,
          response.isError()
              ? "error response, method run "
                  + probe.quickCalls.get()
                  + " times: \""
                  + response.errorText()
                  + "\"; connection stays usable"
              : "method RAN ("
                  + probe.quickCalls.get()
                  + " call) and answered normally, C="
                  + replyC(response)
                  + " -- deadline treated as far future");
      assertErrorResponseTo(req, frame, response);
      assertThat(response.errorText()).contains("deadline");
      assertThat(probe.quickCalls).as("calls of Probe.Quick").hasValue(0);
      assertThat(replyC(s.call(mul(8, 6, 7)))).isEqualTo(42);
    }
    assertStillServes(server.address());
  }

  @Test
  @Order(19)
  void onewayRequestToUnknownServiceGetsNoResponse() {
    // One handler thread runs calls in arrival order, so an (unwanted) answer to the oneway
    // request would be queued before the answer to the request that follows it.
    Server single = startServer(b -> b.handlerThreads(1));
    try (RawRpcxSocket s = RawRpcxSocket.connect(single.address())) {
      s.send(
          request(1, "NoSuchService", "Mul", SerializeType.JSON, json("{\"A\":6,\"B\":7}"))
              .setOneway(true));
      s.send(heartbeat(2));
      Message first = s.readMessage();
      assertThat(first.isHeartbeat()).as("first frame back is the heartbeat echo").isTrue();
      assertThat(first.seq()).isEqualTo(2);
      Message good = s.call(mul(3, 6, 7));
      assertThat(good.seq()).as("next frame answers the following request").isEqualTo(3);
      assertThat(replyC(good)).isEqualTo(42);
    }
    assertStillServes(single.address());
    record(
        "oneway request to an unknown service",
        "no response (heartbeat echo and the next call's answer come first); connection usable");
  }

  // ---- response semantics ---------------------------------------------------------------------

  @Test
  @Order(20)
  void errorResponseEchoesSeqPathMethodAndSerializeTypeButNotRequestMetadata() {
    int[] serializeTypes = {SerializeType.NONE, SerializeType.JSON, SerializeType.MSGPACK, 9};
    for (int type : serializeTypes) {
      Message req =
          request(
                  0xFEDCBA9876543210L,
                  "NoSuchService",
                  "SomeMethod",
                  type,
                  json("{\"A\":6,\"B\":7}"))
              .setVersion(5)
              .putMetadata("trace", "abc")
              .putMetadata(Message.AUTH_KEY, "secret");
      Message response = errorOnTheSameConnection(server.address(), req);
      assertThat(response.serializeType()).as("serialize type").isEqualTo(type);
      assertThat(response.version()).as("version").isEqualTo(5);
      assertThat(response.metadata()).containsOnlyKeys(Message.ERROR_KEY);
    }
    record(
        "error response header/body",
        "echoes seq (0xFEDCBA9876543210), version, path, method and the request's serialize type"
            + " (0, 1, 3, 9); metadata only __rpcx_error__ (request metadata not echoed)");
  }

  @Test
  @Order(21)
  void heartbeatIsEchoedByteForByteWithTheResponseBit() {
    // Spec 1.16: a Go client's heartbeat, seq 0, msgpack int64 payload.
    byte[] goHeartbeat =
        HexFormat.of()
            .parseHex(
                "0800403000000000000000000000001900000000000000000000000000000009d317979cfe362a0000");
    // And one with metadata, a version, a large seq and a JSON serialize type.
    byte[] other =
        CODEC.encode(
            heartbeat(0x8000000000000001L)
                .setVersion(1)
                .setSerializeType(SerializeType.JSON)
                .putMetadata("k", "v")
                .setPayload(json("\"ping\"")));
    try (RawRpcxSocket s = RawRpcxSocket.connect(server.address())) {
      for (byte[] hb : List.of(goHeartbeat, other)) {
        byte[] expected = hb.clone();
        expected[2] |= (byte) 0x80;
        s.write(hb);
        assertThat(s.readFrame())
            .as("echo of %s", HexFormat.of().formatHex(hb))
            .isEqualTo(expected);
      }
      assertThat(replyC(s.call(mul(9, 6, 7)))).isEqualTo(42);
    }
    assertStillServes(server.address());
    record(
        "heartbeat frame (spec 1.16 vector, and one with metadata)",
        "echoed byte for byte, byte 2 |= 0x80; not routed to a service");
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * Sends {@code bytes} on a fresh connection and asserts the server closes it without a word,
   * while a connection opened before (and one opened after) keep being served.
   */
  private void closesOnlyThatConnection(String address, String badInput, byte[] bytes) {
    RawRpcxSocket.Closed closed;
    try (RawRpcxSocket bystander = RawRpcxSocket.connect(address);
        RawRpcxSocket bad = RawRpcxSocket.connect(address)) {
      assertThat(replyC(bystander.call(mul(1, 2, 3)))).isEqualTo(6);
      bad.write(bytes);
      closed = bad.awaitClosedByServer();
      assertThat(closed.bytesBeforeClose()).as("bytes the server sent before closing").isZero();
      Message again = bystander.call(mul(2, 6, 7));
      assertThat(again.isError()).isFalse();
      assertThat(replyC(again)).as("the other, older connection still works").isEqualTo(42);
    }
    assertStillServes(address);
    record(badInput, closed + "; other connections keep being served");
  }

  /**
   * Sends {@code request} on a fresh connection, asserts an error response to it, then that the
   * same connection answers a good request, and that a new connection is served too.
   */
  private Message errorOnTheSameConnection(String address, Message request) {
    Message response;
    try (RawRpcxSocket s = RawRpcxSocket.connect(address)) {
      s.send(request);
      byte[] frame = s.readFrame();
      response = CODEC.decode(frame);
      assertErrorResponseTo(request, frame, response);
      Message good = s.call(mul(request.seq() + 1, 6, 7));
      assertThat(good.seq()).isEqualTo(request.seq() + 1);
      assertThat(good.isError()).as("good request after the error: %s", good.errorText()).isFalse();
      assertThat(replyC(good)).isEqualTo(42);
    }
    assertStillServes(address);
    return response;
  }

  private static void assertErrorResponseTo(Message request, byte[] frame, Message response) {
    assertThat(frame[2] & 0x80).as("response bit").isEqualTo(0x80);
    assertThat(frame[2] & 0x03).as("status bits").isEqualTo(1);
    assertThat(response.isHeartbeat()).isFalse();
    assertThat(response.isOneway()).isFalse();
    assertThat(response.compressType()).isEqualTo(CompressType.NONE);
    assertThat(response.seq()).as("seq").isEqualTo(request.seq());
    assertThat(response.servicePath()).as("service path").isEqualTo(request.servicePath());
    assertThat(response.serviceMethod()).as("service method").isEqualTo(request.serviceMethod());
    assertThat(response.serializeType()).as("serialize type").isEqualTo(request.serializeType());
    assertThat(response.metadata()).as("metadata").containsOnlyKeys(Message.ERROR_KEY);
    assertThat(response.errorText()).isNotBlank();
  }

  /** A new connection (a real client) still gets Arith.Mul answered. */
  private static void assertStillServes(String address) {
    try (Client c = new Client()) {
      c.connect("tcp", address);
      Reply r =
          c.call(
              Context.background().withTimeout(CALL_TIMEOUT),
              "Arith",
              "Mul",
              new Args(6, 7),
              Reply.class);
      assertThat(r.C).as("Arith.Mul on a new connection").isEqualTo(42);
    }
  }

  private Server startServer(Consumer<Server.Builder> configure) {
    Server.Builder b = Server.builder();
    configure.accept(b);
    Server s = b.build();
    extraServers.add(s);
    s.register("Arith", new ArithService(), "");
    s.register("Probe", probe, "");
    s.start("tcp", "127.0.0.1:0");
    return s;
  }

  private static Message heartbeat(long seq) {
    return new Message()
        .setSeq(seq)
        .setHeartbeat(true)
        .setSerializeType(SerializeType.MSGPACK)
        .setPayload(HexFormat.of().parseHex("d317979cfe362a0000"));
  }

  /** Offset of the metadata block length in an encoded frame. */
  private static int metadataBlockOffset(byte[] frame) {
    int methodOffset = 20 + intAt(frame, 16);
    return methodOffset + 4 + intAt(frame, methodOffset);
  }

  private static void record(String badInput, Message response) {
    record(
        badInput,
        "error response on the same connection: \""
            + response.errorText()
            + "\"; connection stays usable");
  }

  private static void record(String badInput, String outcome) {
    synchronized (OUTCOMES) {
      OUTCOMES.put(badInput, outcome);
    }
  }
}
