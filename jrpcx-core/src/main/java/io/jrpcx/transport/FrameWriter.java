package io.jrpcx.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Writes encoded frames to one channel from any thread, with one flush per burst.
 *
 * <p>Callers enqueue; the first enqueue of a burst schedules a single task on the channel's event
 * loop that writes everything queued and flushes once. Under load many frames share one system
 * call instead of each paying for its own wake-up and flush.
 */
public final class FrameWriter {
  /** Frames written between flushes at most, so one busy burst cannot starve the socket. */
  private static final int MAX_FRAMES_PER_FLUSH = 256;

  private final Channel channel;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drainTask = this::drain;

  public FrameWriter(Channel channel) {
    this.channel = channel;
  }

  /**
   * Queues one frame. {@code onWritten}, when not null, receives null once the frame is handed to
   * the socket, or the failure.
   */
  public void write(byte[] frame, Consumer<Throwable> onWritten) {
    queue.add(new Pending(frame, onWritten));
    if (scheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(drainTask);
      } catch (RejectedExecutionException e) {
        failAll(new ClosedChannelException());
      }
    }
  }

  private void drain() {
    int sinceFlush = 0;
    Pending p;
    while ((p = queue.poll()) != null) {
      ChannelPromise promise;
      if (p.onWritten == null) {
        promise = channel.voidPromise();
      } else {
        promise = channel.newPromise();
        Consumer<Throwable> listener = p.onWritten;
        promise.addListener((ChannelFutureListener) f -> listener.accept(f.cause()));
      }
      channel.write(Unpooled.wrappedBuffer(p.frame), promise);
      if (++sinceFlush == MAX_FRAMES_PER_FLUSH) {
        channel.flush();
        sinceFlush = 0;
      }
    }
    channel.flush();
    scheduled.set(false);
    // A frame queued after the last poll but before the flag was cleared found the flag set and
    // did not schedule: pick it up here.
    if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(drainTask);
    }
  }

  private void failAll(Throwable cause) {
    Pending p;
    while ((p = queue.poll()) != null) {
      if (p.onWritten != null) {
        p.onWritten.accept(cause);
      }
    }
    scheduled.set(false);
  }

  private static final class Pending {
    final byte[] frame;
    final Consumer<Throwable> onWritten;

    Pending(byte[] frame, Consumer<Throwable> onWritten) {
      this.frame = frame;
      this.onWritten = onWritten;
    }
  }
}
