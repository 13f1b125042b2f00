package io.jrpcx.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** Proves the leak check can fail: a buffer dropped without release is reported. */
@ExpectsLeaks
class LeakDetectionTest {

  @Test
  void unreleasedBufferIsReportedAsLeak() {
    LeakDetection.collectLeaks(); // start clean
    leakOneBuffer();
    assertThat(LeakDetection.collectLeaks())
        .anySatisfy(leak -> assertThat(leak).contains("ByteBuf").contains("leaked"));
  }

  @Test
  void releasedBufferIsNotReported() {
    LeakDetection.collectLeaks();
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    buf.writeLong(42);
    buf.release();
    assertThat(LeakDetection.collectLeaks()).isEmpty();
  }

  private static void leakOneBuffer() {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    buf.writeLong(42);
    // no release: the reference dies with this frame
  }
}
