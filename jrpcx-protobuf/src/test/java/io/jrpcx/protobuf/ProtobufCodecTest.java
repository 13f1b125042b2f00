package io.jrpcx.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jrpcx.CodecException;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.interop.helloworld.HelloRequest;
import io.jrpcx.protobuf.testing.Blob;
import io.jrpcx.protobuf.testing.Color;
import io.jrpcx.protobuf.testing.Empty;
import io.jrpcx.protobuf.testing.Everything;
import io.jrpcx.protobuf.testing.Inner;
import io.jrpcx.protobuf.testing.RecordV1;
import io.jrpcx.protobuf.testing.RecordV2;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the Protobuf codec writes and reads, without a network. */
class ProtobufCodecTest {
  private final ProtobufCodec codec = new ProtobufCodec();

  @Test
  void isSerializeTypeTwo() {
    assertThat(codec.serializeType()).isEqualTo(SerializeType.PROTOBUF).isEqualTo(2);
    assertThat(ProtobufCodec.codecs().get(2)).isInstanceOf(ProtobufCodec.class);
    assertThat(ProtobufCodec.codecs().get(SerializeType.MSGPACK)).isNotNull();
  }

  @Test
  void everyFieldShapeSurvivesARoundTrip() {
    Everything e =
        Everything.newBuilder()
            .setI32(-7)
            .setI64(Long.MIN_VALUE)
            .setU32(-1)
            .setU64(-1L)
            .setS32(Integer.MIN_VALUE)
            .setS64(Long.MAX_VALUE)
            .setF32(42)
            .setF64(-42L)
            .setFl(1.5f)
            .setDb(Math.PI)
            .setFlag(true)
            .setText("héllo, 世界")
            .setBlob(ByteString.copyFrom(new byte[] {0, 1, (byte) 0xff}))
            .setColor(Color.GREEN)
            .setInner(Inner.newBuilder().setName("nested").addValues(1).addValues(-2))
            .addInners(Inner.newBuilder().setName("a"))
            .addInners(Inner.getDefaultInstance())
            .addAllTags(List.of("x", "", "z"))
            .putByName("one", Inner.newBuilder().setName("1").build())
            .putByName("", Inner.getDefaultInstance())
            .putAllById(Map.of(1, "one", -1, "minus one", 0, ""))
            .setRight(99)
            .setMaybe(0)
            .build();

    Everything back = (Everything) codec.decode(codec.encode(e), Everything.class);

    assertThat(back).isEqualTo(e);
    assertThat(back.hasMaybe()).isTrue();
    assertThat(back.getChoiceCase()).isEqualTo(Everything.ChoiceCase.RIGHT);
    assertThat(back.getByNameMap()).containsOnlyKeys("one", "");
    assertThat(back.getInnersList()).hasSize(2);
  }

  @Test
  void anEmptyMessageIsZeroBytesAndZeroBytesDecodeToTheDefaultInstance() {
    assertThat(codec.encode(Empty.getDefaultInstance())).isEmpty();
    assertThat(codec.encode(Everything.getDefaultInstance())).isEmpty();
    assertThat(codec.decode(new byte[0], Empty.class)).isSameAs(Empty.getDefaultInstance());
    assertThat(codec.decode(new byte[0], Everything.class))
        .isSameAs(Everything.getDefaultInstance());
  }

  @Test
  void nullIsSentAsTheEmptyMessageAsGoMarshalsANilMessage() {
    assertThat(codec.encode(null)).isEmpty();
  }

  @Test
  void unknownFieldsSurviveAHopThroughAPeerWithAnOlderMessage() {
    RecordV2 v2 =
        RecordV2.newBuilder()
            .setId("r-1")
            .setAddedNumber(1234567890123L)
            .setAddedMessage(Inner.newBuilder().setName("deep").addValues(5))
            .addAddedList("a")
            .addAddedList("b")
            .build();

    RecordV1 older = (RecordV1) codec.decode(codec.encode(v2), RecordV1.class);
    assertThat(older.getId()).isEqualTo("r-1");
    assertThat(older.getUnknownFields().asMap()).containsOnlyKeys(2, 3, 4);

    RecordV2 forwarded = (RecordV2) codec.decode(codec.encode(older), RecordV2.class);
    assertThat(forwarded).isEqualTo(v2);
  }

  @Test
  void aTenMegabyteMessageRoundTrips() {
    byte[] data = new byte[10 << 20];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + (i >>> 8));
    }
    Blob blob = Blob.newBuilder().setData(ByteString.copyFrom(data)).build();

    byte[] wire = codec.encode(blob);

    assertThat(wire.length).isGreaterThan(10 << 20);
    assertThat(((Blob) codec.decode(wire, Blob.class)).getData().toByteArray()).isEqualTo(data);
  }

  @Test
  void bytesThatDoNotParseFailNamingTheTypeAndTheProblem() {
    byte[] truncated = {0x0a, 0x05, 'a', 'b'}; // field 1, length 5, only 2 bytes follow
    assertThatThrownBy(() -> codec.decode(truncated, HelloRequest.class))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith(
            "protobuf: cannot decode io.jrpcx.interop.helloworld.HelloRequest: ")
        .hasMessageContaining("truncated")
        .hasCauseInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
  }

  @Test
  void encodingSomethingThatIsNotAMessageFails() {
    assertThatThrownBy(() -> codec.encode("text"))
        .isInstanceOf(CodecException.class)
        .hasMessage(
            "protobuf: cannot encode java.lang.String: not a protobuf message"
                + " (com.google.protobuf.MessageLite)");
  }

  @Test
  void decodingIntoSomethingThatIsNotAMessageClassFails() {
    assertThatThrownBy(() -> codec.decode(new byte[] {8, 1}, String.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("cannot decode into java.lang.String: not a protobuf message class");
    assertThatThrownBy(() -> codec.decode(new byte[] {8, 1}, com.google.protobuf.Message.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("not a generated message class");
  }
}
