package io.jrpcx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SafeIoHandlerTest {

  @Test
  void anErrorEscapingTheIoStepIsCountedAndTheLoopGoesOn() throws Exception {
    AtomicInteger throwsLeft = new AtomicInteger(3);
    IoHandlerFactory nio = NioIoHandler.newFactory();
    // A handler whose I/O step throws, as Netty's do when a handler's error path runs out of
    // memory: without the guard, the loop's thread would end here.
    IoHandlerFactory failing =
        executor -> {
          IoHandler real = nio.newHandler(executor);
          return new IoHandler() {
            @Override
            public int run(IoHandlerContext context) {
              if (throwsLeft.getAndDecrement() > 0) {
                throw new OutOfMemoryError("simulated");
              }
              return real.run(context);
            }

            @Override
            public io.netty.channel.IoRegistration register(io.netty.channel.IoHandle handle)
                throws Exception {
              return real.register(handle);
            }

            @Override
            public void wakeup() {
              real.wakeup();
            }

            @Override
            public boolean isCompatible(Class<? extends io.netty.channel.IoHandle> type) {
              return real.isCompatible(type);
            }

            @Override
            public void destroy() {
              real.destroy();
            }
          };
        };
    AtomicLong escaped = new AtomicLong();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, SafeIoHandler.wrap(failing, escaped));
    try {
      // The first I/O steps throw; each is caught and the loop goes round again.
      group.next().execute(() -> {});
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> escaped.get() == 3);
      CountDownLatch ran = new CountDownLatch(5);
      for (int i = 0; i < 5; i++) {
        group.next().execute(ran::countDown);
      }
      assertThat(ran.await(10, TimeUnit.SECONDS)).as("tasks ran after the errors").isTrue();
      assertThat(group.next().isShuttingDown()).isFalse();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }
}
