package io.jrpcx.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
 * <p>Callers on other threads enqueue; the first enqueue of a burst schedules a single task on the
 * channel's event loop that writes everything queued and flushes once. Callers already on the
 * event loop (handlers that answer inline, callbacks of completed calls) write at once and leave
 * the flush to that same task, which runs after the loop has handled every readable channel. Under
 * load many frames share one system call instead of each paying for its own wake-up and flush.
 *
 * <p>Frames are {@link ByteBuf}s from {@link #alloc()}, which this writer releases once written or
 * failed.
 */
public final class FrameWriter {
  /** Frames written between flushes at most, so one busy burst cannot starve the socket. */
  private static final int MAX_FRAMES_PER_FLUSH = 256;

  private final Channel channel;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /** Bytes of the frames queued here, not yet handed to the channel. */
  private final java.util.concurrent.atomic.AtomicLong queuedBytes =
      new java.util.concurrent.atomic.AtomicLong();

  private final Runnable drainTask = this::drain;

  /** Frames written on the event loop since the last flush; touched only on the event loop. */
  private int unflushed;

  public FrameWriter(Channel channel) {
    this.channel = channel;
  }

  /**
   * Whether the peer is behind: the channel's outbound bytes are above its high watermark, or
   * the frames queued here from other threads alone are. Either way, more frames would only wait.
   */
  public boolean isBacklogged() {
    return !channel.isWritable()
        || queuedBytes.get() >= channel.config().getWriteBufferHighWaterMark();
  }

  /** The allocator frames for this writer should come from: the channel's, usually pooled. */
  public ByteBufAllocator alloc() {
    return channel.alloc();
  }

  /**
   * Writes or queues one frame and takes ownership of it. {@code onWritten}, when not null,
   * receives null once the frame is handed to the socket, or the failure.
   */
  public void write(ByteBuf frame, Consumer<Throwable> onWritten) {
    if (channel.eventLoop().inEventLoop()) {
      channel.write(frame, promise(onWritten));
      if (++unflushed == MAX_FRAMES_PER_FLUSH) {
        channel.flush();
        unflushed = 0;
      }
      scheduleDrain();
      return;
    }
    if (!channel.isActive()) {
      // Closed: fail now rather than queue behind a network thread that may be terminating,
      // whose last tasks Netty can drop (and the frame with them, unreleased).
      frame.release();
      if (onWritten != null) {
        onWritten.accept(new ClosedChannelException());
      }
      return;
    }
    queuedBytes.addAndGet(frame.readableBytes());
    queue.add(new Pending(frame, onWritten));
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(drainTask);
      } catch (RejectedExecutionException e) {
        failAll(new ClosedChannelException());
      }
    }
  }

  private ChannelPromise promise(Consumer<Throwable> onWritten) {
    if (onWritten == null) {
      return channel.voidPromise();
    }
    ChannelPromise promise = channel.newPromise();
    promise.addListener((ChannelFutureListener) f -> onWritten.accept(f.cause()));
    return promise;
  }

  private void drain() {
    int sinceFlush = unflushed;
    Pending p;
    while ((p = queue.poll()) != null) {
      queuedBytes.addAndGet(-p.frame.readableBytes());
      channel.write(p.frame, promise(p.onWritten));
      if (++sinceFlush == MAX_FRAMES_PER_FLUSH) {
        channel.flush();
        sinceFlush = 0;
      }
    }
    channel.flush();
    unflushed = 0;
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
      queuedBytes.addAndGet(-p.frame.readableBytes());
      p.frame.release();
      if (p.onWritten != null) {
        p.onWritten.accept(cause);
      }
    }
    scheduled.set(false);
  }

  private static final class Pending {
    final ByteBuf frame;
    final Consumer<Throwable> onWritten;

    Pending(ByteBuf frame, Consumer<Throwable> onWritten) {
      this.frame = frame;
      this.onWritten = onWritten;
    }
  }
}
