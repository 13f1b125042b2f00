package io.jrpcx.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.internal.FrameCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict validation, tolerance and round trips of {@link FrameCodec}. */
class FrameCodecTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final FrameCodec CODEC = FrameCodec.defaults();

  // ---------------------------------------------------------------- hand-made frames

  /** Writes frame bodies field by field, with whatever lengths a test wants to lie about. */
  private static final class Body {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Body int32(long v) {
      out.writeBytes(ByteBuffer.allocate(4).putInt((int) v).array());
      return this;
    }

    Body bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Body str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return int32(b.length).bytes(b);
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }

  private static Body body() {
    return new Body();
  }

  /** A metadata block holding these entries, without the block length. */
  private static byte[] metaBlock(String... keyValues) {
    Body b = body();
    for (String s : keyValues) {
      b.str(s);
    }
    return b.toBytes();
  }

  /** header(flags, serialize byte, seq, totalLen = body length) + body. */
  private static byte[] frame(int flags, byte[] body) {
    return frame(flags, body.length, body);
  }

  private static byte[] frame(int flags, long totalLen, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(16 + body.length);
    b.put((byte) 0x08)
        .put((byte) 0)
        .put((byte) flags)
        .put((byte) 0x10)
        .putLong(1)
        .putInt((int) totalLen)
        .put(body);
    return b.array();
  }

  private static byte[] header(long totalLen) {
    return Arrays.copyOf(frame(0, totalLen, new byte[0]), 16);
  }

  /** A valid body: path "Arith", method "Mul", the given metadata block, payload "{}". */
  private static byte[] bodyWithMetadataBlock(byte[] block) {
    return body().str("Arith").str("Mul").int32(block.length).bytes(block).str("{}").toBytes();
  }

  private static Message sample() {
    return new Message()
        .setSeq(42)
        .setSerializeType(1)
        .setServicePath("Arith")
        .setServiceMethod("Mul")
        .putMetadata("k", "v")
        .setPayload("{\"A\":1}".getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(byte[] data) {
    return new GzipCompressor().compress(data);
  }

  // ---------------------------------------------------------------- header checks

  @Test
  void wrongMagicIsRefused() {
    byte[] f = CODEC.encode(sample());
    f[0] = 0x09;
    assertThatThrownBy(() -> CODEC.decode(f))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("magic")
        .hasMessageContaining("0x09");
    assertThatThrownBy(() -> CODEC.frameLength(ByteBuffer.wrap(f)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> FrameCodec.checkMagic((byte) 'G'))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("magic");
    FrameCodec.checkMagic((byte) 0x08); // does not throw
  }

  @Test
  void totalLengthAboveMaximumIsRefusedFromTheHeaderAlone() {
    FrameCodec codec = new FrameCodec(Compressors.defaults(), 1024, 1024);
    // Only the 16 header bytes exist: the limit is enforced before any body is buffered.
    assertThatThrownBy(() -> codec.frameLength(ByteBuffer.wrap(header(1024 - 16 + 1))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("1025")
        .hasMessageContaining("maximum message length of 1024");
    assertThat(codec.frameLength(ByteBuffer.wrap(header(1024 - 16)))).isEqualTo(1024);
  }

  @Test
  void totalLengthIsUnsignedSoFourGigabytesIsTooLongNotNegative() {
    assertThatThrownBy(() -> CODEC.frameLength(ByteBuffer.wrap(header(0xFFFF_FFFFL))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("4294967311") // 16 + 2^32 - 1
        .hasMessageContaining("maximum message length");
  }

  @Test
  void frameLengthReadsTheHeaderAtTheBufferPositionWithoutConsumingIt() {
    ByteBuffer b = ByteBuffer.allocate(20);
    b.position(4);
    b.put(header(40));
    b.position(4);
    assertThat(CODEC.frameLength(b)).isEqualTo(56);
    assertThat(b.position()).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15})
  void totalLengthBelowSixteenIsRefused(int totalLen) {
    assertThatThrownBy(() -> CODEC.frameLength(ByteBuffer.wrap(header(totalLen))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("totalLen " + totalLen);
    byte[] f = frame(0, new byte[totalLen]);
    assertThatThrownBy(() -> CODEC.decode(f))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("totalLen " + totalLen);
  }

  @Test
  void bufferShorterThanAHeaderIsAProtocolError() {
    byte[] shortFrame = Arrays.copyOf(CODEC.encode(sample()), 10);
    assertThatThrownBy(() -> CODEC.decode(shortFrame))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("shorter than a header");
    assertThatThrownBy(() -> CODEC.decode(ByteBuffer.wrap(shortFrame)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("shorter than a header");
    assertThatThrownBy(() -> CODEC.frameLength(ByteBuffer.wrap(shortFrame)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("shorter than a header");
    assertThatThrownBy(() -> CODEC.decode(ByteBuffer.allocate(0)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("0 bytes is shorter");
  }

  @Test
  void frameShorterOrLongerThanTotalLengthIsRefused() {
    byte[] f = CODEC.encode(sample());
    assertThatThrownBy(() -> CODEC.decode(Arrays.copyOf(f, f.length - 1)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("says " + f.length + " bytes but " + (f.length - 1));
    assertThatThrownBy(() -> CODEC.decode(Arrays.copyOf(f, f.length + 1)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("says " + f.length + " bytes but " + (f.length + 1));
  }

  // ---------------------------------------------------------------- lengths inside the body

  @Test
  void servicePathLengthPastTheFrameIsRefused() {
    byte[] body =
        body()
            .int32(1000)
            .bytes("Arith".getBytes(StandardCharsets.UTF_8))
            .str("Mul")
            .int32(0)
            .int32(0)
            .toBytes();
    assertThatThrownBy(() -> CODEC.decode(frame(0, body)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("service path (1000) points past the end of the frame");
  }

  @Test
  void servicePathLengthWithTheTopBitSetIsRefusedNotNegative() {
    byte[] body = body().int32(0x8000_0000L).str("Mul").int32(0).int32(0).toBytes();
    assertThatThrownBy(() -> CODEC.decode(frame(0, body)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("service path (2147483648) points past the end");
  }

  @Test
  void serviceMethodLengthPastTheFrameIsRefused() {
    byte[] body =
        body()
            .str("Arith")
            .int32(200)
            .bytes("Mul".getBytes(StandardCharsets.UTF_8))
            .int32(0)
            .int32(0)
            .toBytes();
    assertThatThrownBy(() -> CODEC.decode(frame(0, body)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("service method (200) points past the end of the frame");
  }

  @Test
  void metadataBlockLengthPastTheFrameIsRefused() {
    byte[] block = metaBlock("k", "v");
    byte[] body =
        body().str("Arith").str("Mul").int32(block.length + 100).bytes(block).int32(0).toBytes();
    assertThatThrownBy(() -> CODEC.decode(frame(0, body)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("metadata block (" + (block.length + 100) + ") points past the end");
  }

  @Test
  void metadataKeyLengthRunningPastTheBlockIsRefusedEvenWhenInsideTheFrame() {
    // key length 10, but the block is only 8 bytes long; the payload follows, so the frame
    // itself would have enough bytes.
    byte[] block = body().int32(10).bytes("kkkk".getBytes(StandardCharsets.UTF_8)).toBytes();
    byte[] f = frame(0, bodyWithMetadataBlock(block));
    assertThatThrownBy(() -> CODEC.decode(f))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("metadata key of 10 bytes runs past the metadata block");
  }

  @Test
  void metadataValueLengthRunningPastTheBlockIsRefused() {
    byte[] block =
        body().str("key").int32(50).bytes("v".getBytes(StandardCharsets.UTF_8)).toBytes();
    assertThatThrownBy(() -> CODEC.decode(frame(0, bodyWithMetadataBlock(block))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("metadata value of 50 bytes runs past the metadata block");
  }

  @Test
  void metadataBlockEndingInsideAValueLengthFieldIsRefused() {
    // key "k" complete, then only 2 of the 4 bytes of the value length
    byte[] block = body().str("k").bytes(new byte[] {0, 0}).toBytes();
    assertThatThrownBy(() -> CODEC.decode(frame(0, bodyWithMetadataBlock(block))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("metadata block ends inside the length of a value");
  }

  @Test
  void metadataBlockEndingInsideAKeyLengthFieldIsRefused() {
    // one complete pair, then 3 stray bytes: a truncated key length
    byte[] block = body().str("k").str("v").bytes(new byte[] {0, 0, 0}).toBytes();
    assertThatThrownBy(() -> CODEC.decode(frame(0, bodyWithMetadataBlock(block))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("metadata block ends inside the length of a key");
  }

  @Test
  void payloadLengthPastTheFrameIsRefused() {
    byte[] body =
        body()
            .str("Arith")
            .str("Mul")
            .int32(0)
            .int32(3)
            .bytes("{}".getBytes(StandardCharsets.UTF_8))
            .toBytes();
    assertThatThrownBy(() -> CODEC.decode(frame(0, body)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("payload (3) points past the end of the frame (2 bytes left)");
  }

  @Test
  void frameEndingBeforeThePayloadLengthIsRefused() {
    // totalLen 16, but path "Arith" leaves no room for the last length field
    byte[] body = body().str("Arith").int32(0).int32(0).toBytes();
    assertThat(body.length).isGreaterThanOrEqualTo(16);
    assertThatThrownBy(() -> CODEC.decode(frame(0, body)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("frame ends before the length of the payload");
  }

  // ---------------------------------------------------------------- compression

  @Test
  void unknownCompressTypeIsRefusedOnDecode() {
    byte[] body = body().str("Arith").str("Mul").int32(0).str("{}").toBytes();
    byte[] f = frame(3 << 2, body);
    assertThatThrownBy(() -> CODEC.decode(f))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unsupported compress type 3");
  }

  @Test
  void unknownCompressTypeIsRefusedOnEncode() {
    Message m = sample().setCompressType(3);
    assertThatThrownBy(() -> CODEC.encode(m))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unsupported compress type 3");
  }

  @Test
  void gzipBombIsRefusedAtTheDecompressedLimitAndDecodesWithAHigherLimit() {
    byte[] zeros = new byte[10 << 20];
    byte[] bomb = gzip(zeros);
    assertThat(bomb.length).isLessThan(64 << 10); // small on the wire
    byte[] f =
        frame(
            CompressType.GZIP << 2,
            body().str("Arith").str("Mul").int32(0).int32(bomb.length).bytes(bomb).toBytes());

    FrameCodec strict = new FrameCodec(Compressors.defaults(), 1 << 20, 1 << 20);
    assertThatThrownBy(() -> strict.decode(f))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("inflates past the maximum decompressed length of 1048576");

    FrameCodec generous = new FrameCodec(Compressors.defaults(), 1 << 20, 16 << 20);
    Message m = generous.decode(f);
    assertThat(m.payload()).hasSize(10 << 20);
    assertThat(m.payload()).isEqualTo(zeros);
  }

  @Test
  void corruptGzipPayloadIsAProtocolError() {
    byte[] notGzip = "this is not gzip".getBytes(StandardCharsets.UTF_8);
    byte[] f =
        frame(
            CompressType.GZIP << 2,
            body().str("Arith").str("Mul").int32(0).int32(notGzip.length).bytes(notGzip).toBytes());
    assertThatThrownBy(() -> CODEC.decode(f))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("corrupt gzip");

    byte[] truncated = Arrays.copyOf(gzip(new byte[1000]), 15);
    byte[] g =
        frame(
            CompressType.GZIP << 2,
            body()
                .str("Arith")
                .str("Mul")
                .int32(0)
                .int32(truncated.length)
                .bytes(truncated)
                .toBytes());
    assertThatThrownBy(() -> CODEC.decode(g))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("corrupt gzip");

    byte[] flipped = gzip("{\"A\":1,\"B\":2}".getBytes(StandardCharsets.UTF_8));
    flipped[flipped.length - 5] ^= 0x55; // CRC32 trailer no longer matches
    byte[] h =
        frame(
            CompressType.GZIP << 2,
            body().str("Arith").str("Mul").int32(0).int32(flipped.length).bytes(flipped).toBytes());
    assertThatThrownBy(() -> CODEC.decode(h))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("corrupt gzip");
  }

  @Test
  void gzipMessageRoundTripsCompressingOnlyThePayload() {
    byte[] payload = "rpcx-interop-".repeat(100).getBytes(StandardCharsets.UTF_8);
    Message m = sample().setCompressType(CompressType.GZIP).setPayload(payload);
    byte[] f = CODEC.encode(m);
    assertThat(f[2] & 0x1C).isEqualTo(CompressType.GZIP << 2);
    assertThat(f.length).isLessThan(payload.length); // compressed on the wire
    assertThat(new String(f, StandardCharsets.ISO_8859_1)).contains("Arith", "Mul");
    Message d = CODEC.decode(f);
    assertThat(d.payload()).isEqualTo(payload);
    assertThat(d.compressType()).isEqualTo(CompressType.GZIP);
    assertThat(d.metadata()).containsExactly(Map.entry("k", "v"));
  }

  // ---------------------------------------------------------------- tolerance

  @Test
  void declaredPayloadShorterThanTheRemainingBytesStillDecodes() {
    // spec 1.15.1: Go ignores the payload length; a frame with trailing bytes is not refused.
    byte[] body =
        body()
            .str("Arith")
            .str("Mul")
            .int32(0)
            .int32(2)
            .bytes("{}XYZ".getBytes(StandardCharsets.UTF_8))
            .toBytes();
    Message m = CODEC.decode(frame(0, body));
    assertThat(m.servicePath()).isEqualTo("Arith");
    assertThat(m.serviceMethod()).isEqualTo("Mul");
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("{}");
  }

  @Test
  void repeatedMetadataKeyLastOccurrenceWins() {
    byte[] block = metaBlock("a", "1", "b", "2", "a", "3");
    Message m = CODEC.decode(frame(0, bodyWithMetadataBlock(block)));
    assertThat(m.metadata()).containsExactly(Map.entry("a", "3"), Map.entry("b", "2"));
  }

  @Test
  void emptyMetadataValuesAndKeysAreAccepted() {
    byte[] block = metaBlock("empty", "", "", "no key");
    Message m = CODEC.decode(frame(0, bodyWithMetadataBlock(block)));
    assertThat(m.metadata()).containsExactly(Map.entry("empty", ""), Map.entry("", "no key"));
    assertThat(CODEC.decode(CODEC.encode(m)).metadata()).isEqualTo(m.metadata());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 0x7F, 0x80, 0xFF})
  void versionByteIsPreservedOnDecodeAndEncode(int version) {
    byte[] f = CODEC.encode(sample());
    f[1] = (byte) version;
    Message m = CODEC.decode(f);
    assertThat(m.version()).isEqualTo(version);
    assertThat(CODEC.encode(m)).isEqualTo(f);
  }

  @Test
  void emptyMetadataAndEmptyPayloadRoundTrip() {
    Message m = new Message().setSeq(5).setSerializeType(3);
    byte[] f = CODEC.encode(m);
    // four zero lengths, nothing else
    assertThat(HEX.formatHex(f))
        .isEqualTo("08000030" + "0000000000000005" + "00000010" + "00".repeat(16));
    Message d = CODEC.decode(f);
    assertThat(d.servicePath()).isEmpty();
    assertThat(d.serviceMethod()).isEmpty();
    assertThat(d.metadata()).isEmpty();
    assertThat(d.payload()).isEmpty();
    assertThat(CODEC.encode(d)).isEqualTo(f);
  }

  @Test
  void everyFlagBitAndStatusValueRoundTrips() {
    for (int response = 0; response < 2; response++) {
      for (int heartbeat = 0; heartbeat < 2; heartbeat++) {
        for (int oneway = 0; oneway < 2; oneway++) {
          for (int compress = 0; compress < 2; compress++) {
            for (int status = 0; status < 4; status++) {
              Message m =
                  sample()
                      .setResponse(response == 1)
                      .setHeartbeat(heartbeat == 1)
                      .setOneway(oneway == 1)
                      .setCompressType(compress)
                      .setStatusType(status);
              byte[] f = CODEC.encode(m);
              int expectedFlags =
                  response << 7 | heartbeat << 6 | oneway << 5 | compress << 2 | status;
              assertThat(f[2] & 0xFF).as("flags of %s", m).isEqualTo(expectedFlags);
              Message d = CODEC.decode(f);
              assertThat(d.isResponse()).isEqualTo(response == 1);
              assertThat(d.isHeartbeat()).isEqualTo(heartbeat == 1);
              assertThat(d.isOneway()).isEqualTo(oneway == 1);
              assertThat(d.compressType()).isEqualTo(compress);
              assertThat(d.statusType()).isEqualTo(status);
              assertThat(d.isError()).isEqualTo(status == Message.STATUS_ERROR);
              assertThat(d.payload()).isEqualTo(m.payload());
            }
          }
        }
      }
    }
  }

  @Test
  void everySerializeTypeRoundTripsInTheHighNibbleAndTheLowNibbleIsIgnored() {
    for (int type = 0; type <= 15; type++) {
      byte[] f = CODEC.encode(sample().setSerializeType(type));
      assertThat(f[3] & 0xFF).isEqualTo(type << 4);
      f[3] |= 0x0F; // reserved low nibble: Go ignores it
      assertThat(CODEC.decode(f).serializeType()).isEqualTo(type);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "9223372036854775808, 8000000000000000",
    "9223372036854775809, 8000000000000001",
    "18446744073709551615, ffffffffffffffff",
    "0, 0000000000000000"
  })
  void seqIsAnUnsigned64BitNumber(String unsigned, String hex) {
    long seq = Long.parseUnsignedLong(unsigned);
    byte[] f = CODEC.encode(sample().setSeq(seq));
    assertThat(HEX.formatHex(f, 4, 12)).isEqualTo(hex);
    Message d = CODEC.decode(f);
    assertThat(Long.toUnsignedString(d.seq())).isEqualTo(unsigned);
  }

  @Test
  void nonAsciiPathMethodAndMetadataAreUtf8() {
    Message m = sample().setServicePath("Größe").setServiceMethod("計算").putMetadata("ключ", "值");
    byte[] f = CODEC.encode(m);
    int pathLen = ByteBuffer.wrap(f).getInt(16);
    assertThat(pathLen).isEqualTo("Größe".getBytes(StandardCharsets.UTF_8).length);
    Message d = CODEC.decode(f);
    assertThat(d.servicePath()).isEqualTo("Größe");
    assertThat(d.serviceMethod()).isEqualTo("計算");
    assertThat(d.metadata("ключ")).isEqualTo("值");
  }

  @Test
  void metadataIsEncodedInInsertionOrder() {
    Map<String, String> md = new LinkedHashMap<>();
    md.put("z", "1");
    md.put("a", "2");
    byte[] f = CODEC.encode(sample().setMetadata(md));
    String ascii = new String(f, StandardCharsets.ISO_8859_1);
    assertThat(ascii.indexOf('z')).isLessThan(ascii.indexOf("\u0000\u0000\u0000\u0001a"));
    assertThat(CODEC.decode(f).metadata().keySet()).containsExactly("z", "a");
  }

  @Test
  void randomMessagesRoundTrip() {
    Random random = new Random(20240601);
    for (int i = 0; i < 200; i++) {
      byte[] payload = new byte[random.nextInt(3000)];
      random.nextBytes(payload);
      Message m =
          new Message()
              .setVersion(random.nextInt(256))
              .setResponse(random.nextBoolean())
              .setHeartbeat(random.nextBoolean())
              .setOneway(random.nextBoolean())
              .setCompressType(random.nextInt(2))
              .setStatusType(random.nextInt(4))
              .setSerializeType(random.nextInt(16))
              .setSeq(random.nextLong())
              .setServicePath("S" + random.nextInt(1000))
              .setServiceMethod("M" + random.nextInt(1000))
              .setPayload(payload);
      for (int k = random.nextInt(4); k > 0; k--) {
        m.putMetadata("k" + random.nextInt(100), "v" + random.nextInt());
      }
      Message d = CODEC.decode(CODEC.encode(m));
      assertThat(d.toString()).isEqualTo(m.toString());
      assertThat(d.version()).isEqualTo(m.version());
      assertThat(d.metadata()).containsExactlyEntriesOf(m.metadata());
      assertThat(d.payload()).isEqualTo(payload);
    }
  }

  // ---------------------------------------------------------------- limits on encode

  @Test
  void encodeRefusesAMessageLargerThanTheMaximumLength() {
    FrameCodec codec = new FrameCodec(Compressors.defaults(), 1024, 1024);
    Message m = sample();
    int overhead = codec.encode(m.setPayload(new byte[0])).length;
    // exactly at the limit: fine, and the peer with the same limit accepts it
    byte[] atLimit = codec.encode(m.setPayload(new byte[1024 - overhead]));
    assertThat(atLimit).hasSize(1024);
    assertThat(codec.decode(atLimit).payload()).hasSize(1024 - overhead);
    // one byte more: refused
    Message tooBig = sample().setPayload(new byte[1024 - overhead + 1]);
    assertThatThrownBy(() -> codec.encode(tooBig))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("1025 bytes exceeds the maximum message length of 1024");
  }

  @Test
  void decodeRefusesAFrameLargerThanTheMaximumLength() {
    byte[] f = CODEC.encode(sample().setPayload(new byte[2000]));
    FrameCodec codec = new FrameCodec(Compressors.defaults(), 1024, 1024);
    assertThatThrownBy(() -> codec.decode(f))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("exceeds the maximum message length of 1024");
  }

  @Test
  void constructorRejectsNonsensicalLimits() {
    assertThatThrownBy(() -> new FrameCodec(Compressors.defaults(), 31, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FrameCodec(Compressors.defaults(), 1024, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- spec 1.16 worked examples

  private static final String SPEC_REQUEST =
      "08000010000000000000000100000027000000054172697468000000034d756c000000000000000f"
          + "7b2241223a31302c2242223a32307d";
  private static final String SPEC_RESPONSE =
      "08008010000000000000000100000021000000054172697468000000034d756c0000000000000009"
          + "7b2243223a3230307d";
  private static final String SPEC_ERROR_RESPONSE =
      "08008110000000000000000100000039000000054172697468000000034d756c0000001a0000000e"
          + "5f5f727063785f6572726f725f5f00000004626f6f6d000000077b2243223a307d";
  private static final String SPEC_HEARTBEAT =
      "0800403000000000000000000000001900000000000000000000000000000009d317979cfe362a0000";

  @Test
  void specWorkedExampleRequestDecodesAndReencodesByteIdentically() {
    byte[] f = HEX.parseHex(SPEC_REQUEST);
    assertThat(f).hasSize(55);
    Message m = CODEC.decode(f);
    assertThat(m.isResponse()).isFalse();
    assertThat(m.serializeType()).isEqualTo(1);
    assertThat(m.seq()).isEqualTo(1);
    assertThat(m.servicePath()).isEqualTo("Arith");
    assertThat(m.serviceMethod()).isEqualTo("Mul");
    assertThat(m.metadata()).isEmpty();
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"A\":10,\"B\":20}");
    assertThat(HEX.formatHex(CODEC.encode(m))).isEqualTo(SPEC_REQUEST);

    Message built =
        new Message()
            .setSeq(1)
            .setSerializeType(1)
            .setServicePath("Arith")
            .setServiceMethod("Mul")
            .setPayload("{\"A\":10,\"B\":20}".getBytes(StandardCharsets.UTF_8));
    assertThat(HEX.formatHex(CODEC.encode(built))).isEqualTo(SPEC_REQUEST);
  }

  @Test
  void specWorkedExampleResponseDecodesAndReencodesByteIdentically() {
    byte[] f = HEX.parseHex(SPEC_RESPONSE);
    assertThat(f).hasSize(49);
    Message m = CODEC.decode(f);
    assertThat(m.isResponse()).isTrue();
    assertThat(m.isError()).isFalse();
    assertThat(m.seq()).isEqualTo(1);
    assertThat(m.servicePath()).isEqualTo("Arith");
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"C\":200}");
    assertThat(HEX.formatHex(CODEC.encode(m))).isEqualTo(SPEC_RESPONSE);

    Message request = CODEC.decode(HEX.parseHex(SPEC_REQUEST));
    Message built =
        request.newResponse().setPayload("{\"C\":200}".getBytes(StandardCharsets.UTF_8));
    assertThat(HEX.formatHex(CODEC.encode(built))).isEqualTo(SPEC_RESPONSE);
  }

  @Test
  void specWorkedExampleErrorResponseDecodesAndReencodesByteIdentically() {
    byte[] f = HEX.parseHex(SPEC_ERROR_RESPONSE);
    assertThat(f).hasSize(73);
    Message m = CODEC.decode(f);
    assertThat(m.isResponse()).isTrue();
    assertThat(m.isError()).isTrue();
    assertThat(m.errorText()).isEqualTo("boom");
    assertThat(m.metadata()).containsExactly(Map.entry(Message.ERROR_KEY, "boom"));
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"C\":0}");
    assertThat(HEX.formatHex(CODEC.encode(m))).isEqualTo(SPEC_ERROR_RESPONSE);
  }

  @Test
  void specWorkedExampleHeartbeatDecodesAndReencodesByteIdentically() {
    byte[] f = HEX.parseHex(SPEC_HEARTBEAT);
    assertThat(f).hasSize(41);
    Message m = CODEC.decode(f);
    assertThat(m.isHeartbeat()).isTrue();
    assertThat(m.isResponse()).isFalse();
    assertThat(m.isOneway()).isFalse();
    assertThat(m.serializeType()).isEqualTo(3);
    assertThat(m.seq()).isZero();
    assertThat(m.servicePath()).isEmpty();
    assertThat(m.serviceMethod()).isEmpty();
    assertThat(HEX.formatHex(m.payload())).isEqualTo("d317979cfe362a0000");
    assertThat(HEX.formatHex(CODEC.encode(m))).isEqualTo(SPEC_HEARTBEAT);

    // The server's echo differs only in byte 2: c0 = response | heartbeat.
    byte[] echo = CODEC.encode(m.setResponse(true));
    byte[] expected = HEX.parseHex(SPEC_HEARTBEAT);
    expected[2] = (byte) 0xC0;
    assertThat(echo).isEqualTo(expected);
  }
}
