package io.jrpcx.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrpcx.CodecException;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MsgPackCodecTest {
  private static final HexFormat HEX = HexFormat.of();
  private final MsgPackCodec codec = new MsgPackCodec();

  /** Go's {@code Args{A int, B int}}. */
  public static class Args {
    public int A;
    public int B;

    public Args() {}

    Args(int a, int b) {
      A = a;
      B = b;
    }
  }

  public record ArgsRecord(int A, int B) {}

  public static class Reply {
    public int C;
  }

  public static class Longs {
    public long A;
    public long B;
  }

  public static class Blob {
    public byte[] Data;
  }

  public static class Outer {
    public String Name;
    public Args In;
  }

  private byte[] encode(Object o) {
    return codec.encode(o);
  }

  private String hex(Object o) {
    return HEX.formatHex(encode(o));
  }

  /** {"A": <a>, "B": 1}: a map whose A value is the hand-made msgpack integer. */
  private static byte[] mapWithA(String aHex) {
    return HEX.parseHex("82" + "a141" + aHex + "a142" + "01");
  }

  @Test
  void serializeTypeIsMsgPack() {
    assertThat(codec.serializeType()).isEqualTo(SerializeType.MSGPACK).isEqualTo(3);
  }

  @Test
  void encodesArgsExactlyLikeGo() {
    // msgpack_mul_request and msgpack_add_negative_request payloads written by Go
    assertThat(hex(new Args(7, 8))).isEqualTo("82a14107a14208");
    assertThat(hex(new Args(-300, 70000))).isEqualTo("82a141d1fed4a142ce00011170");
    assertThat(hex(new ArgsRecord(7, 8))).isEqualTo("82a14107a14208");
    assertThat(hex(new ArgsRecord(-300, 70000))).isEqualTo("82a141d1fed4a142ce00011170");
  }

  @Test
  void decodesGoReplies() {
    // msgpack_mul_response and msgpack_add_negative_response payloads written by the Go server
    assertThat(((Reply) codec.decode(HEX.parseHex("81a14338"), Reply.class)).C).isEqualTo(56);
    assertThat(((Reply) codec.decode(HEX.parseHex("81a143ce00011044"), Reply.class)).C)
        .isEqualTo(69700);
    ArgsRecord r =
        (ArgsRecord) codec.decode(HEX.parseHex("82a141d1fed4a142ce00011170"), ArgsRecord.class);
    assertThat(r).isEqualTo(new ArgsRecord(-300, 70000));
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
    "positive fixint, 00, 0",
    "positive fixint, 7f, 127",
    "negative fixint, ff, -1",
    "negative fixint, e0, -32",
    "uint8, cc00, 0",
    "uint8, ccff, 255",
    "uint16, cdffff, 65535",
    "uint32, ce7fffffff, 2147483647",
    "uint64, cf0000000000000007, 7",
    "uint64, cf000000007fffffff, 2147483647",
    "int8, d080, -128",
    "int8, d005, 5",
    "int16, d18000, -32768",
    "int32, d280000000, -2147483648",
    "int32, d27fffffff, 2147483647",
    "int64, d3ffffffffffffffff, -1",
    "int64, d3ffffffff80000000, -2147483648",
    "int64, d30000000000000038, 56",
  })
  void everyIntegerWidthDecodesIntoAnIntField(String format, String aHex, int expected) {
    Args a = (Args) codec.decode(mapWithA(aHex), Args.class);
    assertThat(a.A).isEqualTo(expected);
    assertThat(a.B).isEqualTo(1);
    assertThat(((ArgsRecord) codec.decode(mapWithA(aHex), ArgsRecord.class)).A())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
    "positive fixint, 2a, 42",
    "negative fixint, f0, -16",
    "uint8, cc80, 128",
    "uint16, cd8000, 32768",
    "uint32, ceffffffff, 4294967295",
    "uint64, cf7fffffffffffffff, 9223372036854775807",
    "uint64, cf0000000100000000, 4294967296",
    "int8, d0ff, -1",
    "int16, d1fed4, -300",
    "int32, d2fffe7960, -100000",
    "int64, d38000000000000000, -9223372036854775808",
    "int64, d317979cfe3d85cd15, 1700000000123456789",
  })
  void everyIntegerWidthDecodesIntoALongField(String format, String aHex, long expected) {
    Longs l = (Longs) codec.decode(mapWithA(aHex), Longs.class);
    assertThat(l.A).isEqualTo(expected);
    assertThat(l.B).isEqualTo(1L);
  }

  @Test
  void uint64AboveLongMaxIntoALongFieldIsACodecException() {
    assertThatThrownBy(() -> codec.decode(mapWithA("cf8000000000000000"), Longs.class))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("msgpack: cannot decode ")
        .hasMessageContaining("Longs")
        .hasMessageContaining("9223372036854775808")
        .hasMessageContaining("out of range of long");
    assertThatThrownBy(() -> codec.decode(HEX.parseHex("cfffffffffffffffff"), long.class))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void valueOutsideTheIntRangeIntoAnIntFieldIsACodecExceptionNotTruncated() {
    assertThatThrownBy(() -> codec.decode(mapWithA("ce80000000"), Args.class))
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode(mapWithA("d3ffffffff7fffffff"), Args.class))
        .isInstanceOf(CodecException.class);
  }

  public static class Narrow {
    public short S;
    public byte Bt;
    public int[] Arr;
    public Integer Boxed;
    public Long BoxedLong;
  }

  @Test
  void narrowerFieldsArraysAndBoxedTypesAreRangeCheckedToo() {
    // {"S": 32767, "Bt": 255, "Arr": [1, -1], "Boxed": 2147483647, "BoxedLong": uint64 2^63-1}
    String ok =
        "85"
            + "a153cd7fff"
            + "a24274ccff"
            + "a341727292"
            + "01ff"
            + "a5426f786564ce7fffffff"
            + "a9426f7865644c6f6e67cf7fffffffffffffff";
    Narrow n = (Narrow) codec.decode(HEX.parseHex(ok), Narrow.class);
    assertThat(n.S).isEqualTo((short) 32767);
    assertThat(n.Bt).isEqualTo((byte) -1); // Jackson reads 255 as the unsigned byte 0xff
    assertThat(n.Arr).containsExactly(1, -1);
    assertThat(n.Boxed).isEqualTo(Integer.MAX_VALUE);
    assertThat(n.BoxedLong).isEqualTo(Long.MAX_VALUE);

    assertThatThrownBy(() -> codec.decode(HEX.parseHex("81a153cd8000"), Narrow.class))
        .as("32768 into short")
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode(HEX.parseHex("81a153ce00010000"), Narrow.class))
        .as("65536 into short must not wrap to 0")
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode(HEX.parseHex("81a24274cf0000000100000001"), Narrow.class))
        .as("2^32+1 into byte must not wrap to 1")
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode(HEX.parseHex("81a341727291ce80000000"), Narrow.class))
        .as("2^31 into int[]")
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(
            () -> codec.decode(HEX.parseHex("81a5426f786564cf0000000100000000"), Narrow.class))
        .as("2^32 into Integer")
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(
            () ->
                codec.decode(
                    HEX.parseHex("81a9426f7865644c6f6e67cf8000000000000000"), Narrow.class))
        .as("2^63 into Long")
        .isInstanceOf(CodecException.class);
  }

  @Test
  void uint64AboveLongMaxStillDecodesIntoBigIntegerAndUntypedValues() {
    byte[] max = HEX.parseHex("cfffffffffffffffff");
    assertThat(codec.decode(max, java.math.BigInteger.class))
        .isEqualTo(new java.math.BigInteger("18446744073709551615"));
    assertThat(codec.decode(max, Object.class))
        .isEqualTo(new java.math.BigInteger("18446744073709551615"));
  }

  @Test
  void copiedMapperKeepsTheRangeCheck() {
    MsgPackCodec copy = new MsgPackCodec(codec.mapper().copy());
    assertThatThrownBy(() -> copy.decode(mapWithA("cf8000000000000000"), Longs.class))
        .isInstanceOf(CodecException.class);
    assertThat(HEX.formatHex(copy.encode(new Args(7, 8)))).isEqualTo("82a14107a14208");
  }

  @Test
  void encodesIntegersInTheSmallestWidth() {
    assertThat(HEX.formatHex(encode(0))).isEqualTo("00");
    assertThat(HEX.formatHex(encode(127))).isEqualTo("7f");
    assertThat(HEX.formatHex(encode(128))).isEqualTo("cc80");
    assertThat(HEX.formatHex(encode(-1))).isEqualTo("ff");
    assertThat(HEX.formatHex(encode(-33))).isEqualTo("d0df");
    assertThat(HEX.formatHex(encode(Long.MAX_VALUE))).isEqualTo("cf7fffffffffffffff");
    assertThat(HEX.formatHex(encode(Long.MIN_VALUE))).isEqualTo("d38000000000000000");
  }

  @Test
  void byteArraysAreMsgPackBin() {
    Blob b = new Blob();
    b.Data = new byte[] {1, 2, (byte) 0xFF};
    // {"Data": bin8(3)}
    assertThat(hex(b)).isEqualTo("81a444617461c40301" + "02ff");
    assertThat(HEX.formatHex(encode(new byte[] {9}))).isEqualTo("c40109");
    Blob back = (Blob) codec.decode(HEX.parseHex("81a444617461c4030102ff"), Blob.class);
    assertThat(back.Data).containsExactly(1, 2, 0xFF);
    assertThat((byte[]) codec.decode(HEX.parseHex("c50003010203"), byte[].class))
        .containsExactly(1, 2, 3); // bin16
  }

  @Test
  void stringsAreMsgPackStrInTheSameWidthsAsGo() {
    assertThat(hex("hi")).isEqualTo("a26869");
    assertThat(hex("")).isEqualTo("a0");
    assertThat(hex("x".repeat(31))).startsWith("bf");
    assertThat(hex("x".repeat(32))).startsWith("d920");
    // msgpack_gzip_echo_request: Go wrote the 1300-character string as str16 (da 0514)
    String echo = "rpcx-interop-".repeat(100);
    assertThat(hex(echo)).startsWith("da0514727063782d696e7465726f702d").hasSize(2 * (3 + 1300));
    assertThat(codec.decode(HEX.parseHex("a26869"), String.class)).isEqualTo("hi");
    assertThat(codec.decode(encode(echo), String.class)).isEqualTo(echo);
  }

  @Test
  void nestedObjectsAreMapsKeyedByFieldName() {
    Outer o = new Outer();
    o.Name = "n";
    o.In = new Args(1, 2);
    // {"Name":"n","In":{"A":1,"B":2}} in declaration order, like Go
    assertThat(hex(o)).isEqualTo("82" + "a44e616d65a16e" + "a2496e" + "82a14101a14202");
    Outer back =
        (Outer) codec.decode(HEX.parseHex("82a2496e82a14103a14204a44e616d65a178"), Outer.class);
    assertThat(back.Name).isEqualTo("x");
    assertThat(back.In.A).isEqualTo(3);
    assertThat(back.In.B).isEqualTo(4);
  }

  @Test
  void nullFieldIsMsgPackNil() {
    Outer o = new Outer();
    assertThat(hex(o)).isEqualTo("82a44e616d65c0a2496ec0");
  }

  @Test
  void fieldNamesAreMatchedCaseInsensitivelyAndUnknownFieldsIgnored() {
    // {"a":5,"b":6,"Z":[1]}
    Args a = (Args) codec.decode(HEX.parseHex("83a16105a16206a15a9101"), Args.class);
    assertThat(a.A).isEqualTo(5);
    assertThat(a.B).isEqualTo(6);
  }

  @Test
  void goHeartbeatPayloadDecodesToTheLong() {
    // heartbeat_request payload: int64 UnixNano as d3 + 8 bytes
    byte[] payload = HEX.parseHex("d317979cfe3d85cd15");
    assertThat(codec.decode(payload, Long.class)).isEqualTo(1700000000123456789L);
    assertThat(codec.decode(payload, long.class)).isEqualTo(1700000000123456789L);
    assertThat(codec.decode(payload, Object.class)).isEqualTo(1700000000123456789L);
    assertThat(codec.decode(HEX.parseHex("d318ead6869ebead22"), long.class))
        .isEqualTo(1795483275137821986L);
  }

  @Test
  void emptyPayloadDecodesToNull() {
    assertThat(codec.decode(new byte[0], Args.class)).isNull();
  }

  @Test
  void jsonTextSentAsMsgPackIsACodecException() {
    // msgpack_mul_with_json_payload_bad_request: Go refused it ("unexpected code=7b")
    assertThatThrownBy(() -> codec.decode("{\"A\":7,\"B\":8}".getBytes(), Args.class))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("msgpack: cannot decode ");
  }

  @Test
  void truncatedInputIsACodecException() {
    assertThatThrownBy(() -> codec.decode(HEX.parseHex("82a14107a142"), Args.class))
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode(HEX.parseHex("d3000000"), long.class))
        .isInstanceOf(CodecException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void defaultTypingIsOffSoPayloadsCannotChooseAClass() {
    // ["java.util.concurrent.atomic.AtomicInteger", {}] -> a plain list, nothing instantiated
    byte[] payload =
        codec.encode(new Object[] {"java.util.concurrent.atomic.AtomicInteger", Map.of()});
    Object o = codec.decode(payload, Object.class);
    assertThat(o).isInstanceOf(java.util.List.class);
    assertThat((java.util.List<Object>) o)
        .first()
        .isEqualTo("java.util.concurrent.atomic.AtomicInteger");
  }

  @Test
  void constructorRefusesAMapperThatDoesNotWriteMsgPack() {
    assertThatThrownBy(() -> new MsgPackCodec(new ObjectMapper()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MessagePackFactory");
    MsgPackCodec custom = new MsgPackCodec(MsgPackCodec.newGoCompatibleMapper());
    assertThat(HEX.formatHex(custom.encode(new Args(7, 8)))).isEqualTo("82a14107a14208");
  }
}
