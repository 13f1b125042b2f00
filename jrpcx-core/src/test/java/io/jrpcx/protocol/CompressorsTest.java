package io.jrpcx.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.internal.FrameCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressorsTest {

  /** Compress type 5 by agreement: reverses the bytes. */
  private static final class ReverseCompressor implements Compressor {
    @Override
    public int type() {
      return 5;
    }

    @Override
    public byte[] compress(byte[] data) {
      byte[] r = new byte[data.length];
      for (int i = 0; i < data.length; i++) {
        r[i] = data[data.length - 1 - i];
      }
      return r;
    }

    @Override
    public byte[] decompress(byte[] data, int maxLength) {
      if (data.length > maxLength) {
        throw new ProtocolException("too long");
      }
      return compress(data);
    }
  }

  private static Compressor ofType(int type) {
    return new Compressor() {
      @Override
      public int type() {
        return type;
      }

      @Override
      public byte[] compress(byte[] data) {
        return data;
      }

      @Override
      public byte[] decompress(byte[] data, int maxLength) {
        return data;
      }
    };
  }

  @Test
  void defaultsHoldGzipOnly() {
    Compressors d = Compressors.defaults();
    assertThat(d.get(CompressType.GZIP)).isInstanceOf(GzipCompressor.class);
    for (int t : new int[] {-1, 0, 2, 3, 4, 5, 6, 7, 8}) {
      assertThat(d.get(t)).as("type %d", t).isNull();
    }
  }

  @Test
  void toBuilderAddsWithoutChangingTheDefaults() {
    Compressors extended = Compressors.defaults().toBuilder().add(new ReverseCompressor()).build();
    assertThat(extended.get(5)).isInstanceOf(ReverseCompressor.class);
    assertThat(extended.get(1)).isSameAs(Compressors.defaults().get(1));
    assertThat(Compressors.defaults().get(5)).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 8, 100})
  void outOfRangeTypesAreRejected(int type) {
    assertThatThrownBy(() -> Compressors.builder().add(ofType(type)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..7");
  }

  @Test
  void aRegisteredCompressorIsUsedByTheFrameCodecUnderItsNumber() {
    FrameCodec codec =
        new FrameCodec(
            Compressors.defaults().toBuilder().add(new ReverseCompressor()).build(),
            1 << 20,
            1 << 20);
    byte[] payload = "abcdef".getBytes(StandardCharsets.UTF_8);
    byte[] f = codec.encode(new Message().setCompressType(5).setPayload(payload));
    assertThat(f[2] & 0x1C).isEqualTo(5 << 2);
    assertThat(new String(Arrays.copyOfRange(f, f.length - 6, f.length), StandardCharsets.UTF_8))
        .isEqualTo("fedcba");
    assertThat(codec.decode(f).payload()).isEqualTo(payload);
    // The default codec does not know type 5.
    assertThatThrownBy(() -> FrameCodec.defaults().decode(f))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unsupported compress type 5");
  }
}
