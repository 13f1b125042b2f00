package io.jrpcx.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.CodecException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawCodecTest {
  private final RawCodec codec = new RawCodec();

  @Test
  void serializeTypeIsNone() {
    assertThat(codec.serializeType()).isEqualTo(SerializeType.NONE).isEqualTo(0);
  }

  @Test
  void byteArrayPassesThroughUnchangedBothWays() {
    byte[] data = {0, 1, (byte) 0x80, (byte) 0xFF, 0x08};
    byte[] encoded = codec.encode(data);
    assertThat(encoded).containsExactly(0, 1, 0x80, 0xFF, 0x08);
    assertThat((byte[]) codec.decode(encoded, byte[].class))
        .containsExactly(0, 1, 0x80, 0xFF, 0x08);
    assertThat((byte[]) codec.decode(encoded, Object.class))
        .containsExactly(0, 1, 0x80, 0xFF, 0x08);
  }

  @Test
  void nullEncodesToAnEmptyPayload() {
    assertThat(codec.encode(null)).isEmpty();
    assertThat((byte[]) codec.decode(new byte[0], byte[].class)).isEmpty();
  }

  @Test
  void otherTypesAreRejectedOnEncodeWithTheirName() {
    assertThatThrownBy(() -> codec.encode("text"))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("byte[]")
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> codec.encode(List.of((byte) 1)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("byte[]");
    assertThatThrownBy(() -> codec.encode(new int[] {1})).isInstanceOf(CodecException.class);
  }

  @Test
  void otherTypesAreRejectedOnDecodeWithTheirName() {
    assertThatThrownBy(() -> codec.decode(new byte[] {1}, String.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("byte[]")
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> codec.decode(new byte[] {1}, Byte[].class))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void passThroughSendsAndReturnsBytesAlreadyEncodedInAnotherSerializeType() {
    RawCodec msgpack = RawCodec.passThrough(SerializeType.MSGPACK);
    assertThat(msgpack.serializeType()).isEqualTo(SerializeType.MSGPACK);
    byte[] preEncoded = {(byte) 0x81, (byte) 0xa1, 'A', 0x0a};
    assertThat(msgpack.encode(preEncoded)).isSameAs(preEncoded);
    assertThat((byte[]) msgpack.decode(preEncoded, byte[].class)).isSameAs(preEncoded);
    assertThatThrownBy(() -> msgpack.encode(Map.of("A", 10)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("serialize type 3 passed through can only send byte[]");
    assertThatThrownBy(() -> msgpack.decode(preEncoded, String.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("can only decode into byte[]");
  }
}
