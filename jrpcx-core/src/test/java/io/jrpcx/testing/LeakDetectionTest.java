package io.jrpcx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Proves the leak check can fail: a buffer dropped without release is reported. */
@ExpectsLeaks
class LeakDetectionTest {

  @Test
  void unreleasedBufferIsReportedAsLeak() {
    LeakDetection.collectLeaks(); // start clean
    leakOneBuffer();
    // The reference handler enqueues collected buffers in no particular order, so one GC cycle
    // may not be enough for the detector to see this one: keep collecting, bounded.
    List<String> leaks = new CopyOnWriteArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              leaks.addAll(LeakDetection.collectLeaks());
              return !leaks.isEmpty();
            });
    assertThat(leaks).anySatisfy(leak -> assertThat(leak).contains("ByteBuf").contains("leaked"));
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
