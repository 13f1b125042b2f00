package io.jrpcx.thrift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.CodecException;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.thrift.testing.Args;
import io.jrpcx.thrift.testing.Color;
import io.jrpcx.thrift.testing.Everything;
import io.jrpcx.thrift.testing.Part;
import io.jrpcx.thrift.testing.Reply;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the Thrift codec writes and reads, without a network. */
class ThriftCodecTest {
  private final ThriftCodec codec = new ThriftCodec();

  @Test
  void isSerializeTypeFour() {
    assertThat(codec.serializeType()).isEqualTo(SerializeType.THRIFT).isEqualTo(4);
    assertThat(ThriftCodec.codecs().get(4)).isInstanceOf(ThriftCodec.class);
  }

  @Test
  void writesPlainBinaryProtocolAsGoThriftCodecDoes() {
    // field header (type i32 = 8, id), big-endian value, ..., stop byte: TBinaryProtocol's struct
    // encoding, the bytes Go's TSerializer writes for the same struct.
    assertThat(HexFormat.of().formatHex(codec.encode(new Args(7, 6))))
        .isEqualTo("08000100000007" + "08000200000006" + "00");
    assertThat(codec.decode(HexFormat.of().parseHex("0800010000002a00"), Reply.class))
        .isEqualTo(new Reply(42));
  }

  @Test
  void everyFieldShapeSurvivesARoundTrip() {
    Everything e =
        new Everything()
            .setFlag(true)
            .setTiny((byte) -1)
            .setSmall(Short.MIN_VALUE)
            .setMedium(-7)
            .setLarge(Long.MAX_VALUE)
            .setReal(Math.E)
            .setText("héllo, 世界")
            .setBlob(ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xff}))
            .setColor(Color.GREEN)
            .setPart(new Part("p", List.of(1L, -2L)))
            .setParts(List.of(new Part("a", List.of()), new Part("b", List.of(3L))))
            .setTags(Set.of("x", "y"))
            .setByName(Map.of("one", new Part("1", List.of(1L))))
            .setNote("optional");

    assertThat(codec.decode(codec.encode(e), Everything.class)).isEqualTo(e);
  }

  @Test
  void aStructWithNoFieldSetIsOneStopByte() {
    // Fields of primitive type are always written (default requiredness); Part has none.
    assertThat(codec.encode(new Part())).containsExactly(0);
    assertThat(codec.decode(new byte[] {0}, Part.class)).isEqualTo(new Part());
  }

  @Test
  void nullAndTheEmptyPayloadMapToEachOther() {
    assertThat(codec.encode(null)).isEmpty();
    assertThat(codec.decode(new byte[0], Args.class)).isNull();
  }

  @Test
  void fieldsTheReaderDoesNotKnowAreSkipped() {
    Everything e = new Everything().setMedium(5).setText("skipped").setNote("also skipped");
    // Args knows field 4 only as nothing: every field of Everything is skipped, none breaks it.
    assertThat(codec.decode(codec.encode(e), Args.class)).isEqualTo(new Args());
  }

  @Test
  void bytesThatDoNotParseFailNamingTheType() {
    assertThatThrownBy(() -> codec.decode(HexFormat.of().parseHex("080001000000"), Args.class))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("thrift: cannot decode io.jrpcx.thrift.testing.Args: ");
  }

  @Test
  void encodingSomethingThatIsNotAStructFails() {
    assertThatThrownBy(() -> codec.encode("text"))
        .isInstanceOf(CodecException.class)
        .hasMessage(
            "thrift: cannot encode java.lang.String: not a Thrift struct"
                + " (org.apache.thrift.TBase)");
    assertThatThrownBy(() -> codec.decode(new byte[] {0}, String.class))
        .isInstanceOf(CodecException.class)
        .hasMessage(
            "thrift: cannot decode into java.lang.String: not a Thrift struct class"
                + " (org.apache.thrift.TBase)");
  }
}
