package io.jrpcx.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.internal.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The count limits of {@link FrameCodec}: names, metadata pairs and metadata bytes. */
class FrameLimitsTest {
  private final FrameCodec codec =
      new FrameCodec(Compressors.defaults(), 1 << 20, 1 << 20, 16, 4, 128);

  private static Message request(String path, int pairs) {
    Message m = new Message().setSeq(1).setServicePath(path).setServiceMethod("Mul");
    for (int i = 0; i < pairs; i++) {
      m.putMetadata("k" + i, "v");
    }
    return m;
  }

  @Test
  void framesWithinEveryLimitDecode() {
    Message m = codec.decode(FrameCodec.defaults().encode(request("Arith", 4)));
    assertThat(m.servicePath()).isEqualTo("Arith");
    assertThat(m.metadata()).hasSize(4);
  }

  @Test
  void aNameOverTheLimitIsRefused() {
    byte[] frame = FrameCodec.defaults().encode(request("A".repeat(17), 0));
    assertThatThrownBy(() -> codec.decode(frame))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("service path of 17 bytes exceeds the maximum name length of 16");
  }

  @Test
  void morePairsThanTheLimitAreRefusedWhileReading() {
    byte[] frame = FrameCodec.defaults().encode(request("Arith", 5));
    assertThatThrownBy(() -> codec.decode(frame))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("more than the maximum of 4 pairs");
  }

  @Test
  void aMetadataBlockOverTheLimitIsRefused() {
    Message m = request("Arith", 0).putMetadata("k", "v".repeat(200));
    byte[] frame = FrameCodec.defaults().encode(m);
    assertThatThrownBy(() -> codec.decode(frame))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("exceeds the maximum metadata size of 128");
  }

  @Test
  void theFirstBytesOfAFrameAreEnoughToRefuseAnOversizeName() {
    byte[] frame = FrameCodec.defaults().encode(request("A".repeat(1000), 0));
    // Only the header and the path's length field have arrived.
    ByteBuf prefix = Unpooled.wrappedBuffer(Arrays.copyOf(frame, 20));
    assertThatThrownBy(() -> codec.checkPrefix(prefix))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("service path of 1000 bytes");
    // A prefix of a good frame passes, however short.
    byte[] good = FrameCodec.defaults().encode(request("Arith", 2));
    for (int n = 16; n <= good.length; n++) {
      codec.checkPrefix(Unpooled.wrappedBuffer(Arrays.copyOf(good, n)));
    }
  }

  @Test
  void inflationAsksForMemoryAndStopsWhenRefused() {
    Message m = request("Arith", 0).setCompressType(CompressType.GZIP).setPayload(new byte[4096]);
    byte[] frame = FrameCodec.defaults().encode(m);
    long[] asked = new long[1];
    Message ok =
        codec.decode(
            Unpooled.wrappedBuffer(frame),
            n -> {
              asked[0] += n;
              return true;
            });
    assertThat(ok.payload()).hasSize(4096);
    assertThat(asked[0]).isEqualTo(4096); // sized from the gzip trailer: one array
    assertThatThrownBy(() -> codec.decode(Unpooled.wrappedBuffer(frame), n -> false))
        .isInstanceOf(PayloadRefusedException.class)
        .satisfies(
            e ->
                assertThat(((PayloadRefusedException) e).message().servicePath())
                    .isEqualTo("Arith"));
  }
}
