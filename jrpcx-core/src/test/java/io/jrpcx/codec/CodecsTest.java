package io.jrpcx.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodecsTest {

  /** A stand-in codec for any serialize type. */
  private static final class FakeCodec implements Codec {
    private final int type;

    FakeCodec(int type) {
      this.type = type;
    }

    @Override
    public int serializeType() {
      return type;
    }

    @Override
    public byte[] encode(Object value) {
      return new byte[] {(byte) type};
    }

    @Override
    public Object decode(byte[] data, Type t) {
      return type;
    }
  }

  @Test
  void defaultsHoldRawJsonAndMsgPackOnly() {
    Codecs d = Codecs.defaults();
    assertThat(d.get(SerializeType.NONE)).isInstanceOf(RawCodec.class);
    assertThat(d.get(SerializeType.JSON)).isInstanceOf(JsonCodec.class);
    assertThat(d.get(SerializeType.MSGPACK)).isInstanceOf(MsgPackCodec.class);
    assertThat(d.get(SerializeType.PROTOBUF)).isNull();
    assertThat(d.get(SerializeType.THRIFT)).isNull();
    for (int t = 5; t <= SerializeType.MAX; t++) {
      assertThat(d.get(t)).as("type %d", t).isNull();
    }
  }

  @Test
  void registeredCodecsReportTheirOwnType() {
    for (int t : new int[] {0, 1, 3}) {
      assertThat(Codecs.defaults().get(t).serializeType()).isEqualTo(t);
    }
  }

  @Test
  void toBuilderAddsWithoutChangingTheDefaults() {
    Codec protobuf = new FakeCodec(SerializeType.PROTOBUF);
    Codecs extended = Codecs.defaults().toBuilder().add(protobuf).build();
    assertThat(extended.get(SerializeType.PROTOBUF)).isSameAs(protobuf);
    assertThat(extended.get(SerializeType.JSON))
        .isSameAs(Codecs.defaults().get(SerializeType.JSON));
    assertThat(extended.get(SerializeType.MSGPACK))
        .isSameAs(Codecs.defaults().get(SerializeType.MSGPACK));
    assertThat(Codecs.defaults().get(SerializeType.PROTOBUF)).isNull();
  }

  @Test
  void addReplacesAnEarlierCodecOfTheSameTypeInTheNewTableOnly() {
    Codec myJson = new FakeCodec(SerializeType.JSON);
    Codecs replaced = Codecs.defaults().toBuilder().add(myJson).build();
    assertThat(replaced.get(SerializeType.JSON)).isSameAs(myJson);
    assertThat(Codecs.defaults().get(SerializeType.JSON)).isInstanceOf(JsonCodec.class);
  }

  @Test
  void builtTableIsNotChangedByLaterBuilderUse() {
    Codecs.Builder b = Codecs.builder().add(new FakeCodec(7));
    Codecs first = b.build();
    b.add(new FakeCodec(8));
    assertThat(first.get(8)).isNull();
    assertThat(b.build().get(8)).isNotNull();
  }

  @Test
  void emptyBuilderHasNothing() {
    Codecs empty = Codecs.builder().build();
    for (int t = 0; t <= SerializeType.MAX; t++) {
      assertThat(empty.get(t)).isNull();
    }
  }

  @Test
  void theHighestTypeFifteenCanBeRegistered() {
    Codec c = new FakeCodec(15);
    assertThat(Codecs.builder().add(c).build().get(15)).isSameAs(c);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 16, 255, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void outOfRangeTypesAreRejected(int type) {
    assertThatThrownBy(() -> Codecs.builder().add(new FakeCodec(type)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..15")
        .hasMessageContaining(String.valueOf(type));
    assertThat(Codecs.defaults().get(type)).isNull();
  }

  @Test
  void nullCodecIsRejected() {
    assertThatThrownBy(() -> Codecs.builder().add(null)).isInstanceOf(NullPointerException.class);
  }
}
