package io.jrpcx.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.internal.FrameCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GzipCompressorTest {
  private static final GzipCompressor GZIP = new GzipCompressor();

  /** Half compressible text, half random bytes, so both the stored and the deflated paths run. */
  private static byte[] data(int size) {
    byte[] b = new byte[size];
    Random random = new Random(size);
    byte[] text = "rpcx-interop-".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < size; i++) {
      b[i] = i < size / 2 ? text[i % text.length] : (byte) random.nextInt();
    }
    return b;
  }

  private static byte[] gunzipWithJdk(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Test
  void typeIsOne() {
    assertThat(GZIP.type()).isEqualTo(CompressType.GZIP).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 255, 256, 257, 1023, 1024, 1025, 8191, 8192, 8193, 65536, 1 << 20})
  void roundTripsAndTheJdkReadsWhatItWrites(int size) throws IOException {
    byte[] data = data(size);
    byte[] gz = GZIP.compress(data);
    // RFC 1952 magic and deflate method
    assertThat(gz[0] & 0xFF).isEqualTo(0x1F);
    assertThat(gz[1] & 0xFF).isEqualTo(0x8B);
    assertThat(gz[2]).isEqualTo((byte) 8);
    assertThat(gunzipWithJdk(gz)).isEqualTo(data);
    assertThat(GZIP.decompress(gz, Integer.MAX_VALUE)).isEqualTo(data);
    assertThat(GZIP.decompress(gz, size)).isEqualTo(data);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 100, 256, 257, 1024, 1025, 4096, 100_000})
  void limitExactlyAtTheSizePassesAndOneByteUnderItFails(int size) {
    byte[] data = data(size);
    byte[] gz = GZIP.compress(data);
    assertThat(GZIP.decompress(gz, size)).isEqualTo(data);
    assertThatThrownBy(() -> GZIP.decompress(gz, size - 1))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("inflates past the maximum decompressed length of " + (size - 1));
  }

  @Test
  void emptyPayloadPassesALimitOfZero() {
    assertThat(GZIP.decompress(GZIP.compress(new byte[0]), 0)).isEmpty();
    assertThatThrownBy(() -> GZIP.decompress(GZIP.compress(new byte[1]), 0))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void readsWhatTheJdkGzipWriterWrites() throws IOException {
    byte[] data = data(5000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    assertThat(GZIP.decompress(out.toByteArray(), 5000)).isEqualTo(data);
  }

  @Test
  void readsGoCompressGzipOutputWithTheSameExactLimit() {
    // The compressed payload bytes of a frame written by the Go rpcx server (compress/gzip,
    // Flush then Close): a 1302-byte JSON string.
    byte[] frame = readVector("json_gzip_echo_response.bin");
    ByteBuffer b = ByteBuffer.wrap(frame);
    int offset = FrameCodec.HEADER_LENGTH;
    for (int i = 0; i < 3; i++) {
      offset += 4 + b.getInt(offset);
    }
    int wireLen = b.getInt(offset);
    byte[] goGzip = Arrays.copyOfRange(frame, offset + 4, offset + 4 + wireLen);
    assertThat(goGzip).startsWith((byte) 0x1f, (byte) 0x8b, (byte) 0x08);

    byte[] plain = GZIP.decompress(goGzip, 1302);
    assertThat(plain).hasSize(1302);
    assertThat(new String(plain, StandardCharsets.UTF_8))
        .startsWith("\"rpcx-interop-rpcx-interop-")
        .endsWith("\"");
    assertThatThrownBy(() -> GZIP.decompress(goGzip, 1301)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void corruptInputIsAProtocolError() {
    assertThatThrownBy(() -> GZIP.decompress("garbage!".getBytes(StandardCharsets.US_ASCII), 100))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("corrupt gzip");
    assertThatThrownBy(() -> GZIP.decompress(new byte[0], 100))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("corrupt gzip");
  }

  private static byte[] readVector(String file) {
    try (var in = GzipCompressorTest.class.getResourceAsStream("/vectors/" + file)) {
      assertThat(in).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
