package io.jrpcx.internal;

import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.PayloadRefusedException;
import io.jrpcx.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Splits the inbound byte stream into frames and decodes each into a {@link Message}.
 *
 * <p>The magic byte is checked as soon as it arrives, the frame length as soon as the 16-byte
 * header has, and the path, method and metadata lengths as soon as their fields have ({@link
 * FrameCodec#checkPrefix}), so an oversize frame is refused before any of it is buffered. Bytes
 * that are not a valid frame end decoding on this connection with a {@link ProtocolException}
 * passed down the pipeline, whose handler logs it and closes the connection: the stream cannot be
 * resynchronised. Other connections are unaffected.
 *
 * <p>A server's decoder ({@link #forServer}) also holds every frame to the server's {@link
 * MemoryBudget}: the bytes of a frame are reserved before they are buffered, and when the budget
 * cannot hold them the connection stops reading (its {@link ReadGate}) until memory is released;
 * inflation asks the budget as it grows. It emits {@link InboundFrame}s carrying what each request
 * holds. A frame begun must also be completed within the frame timeout.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  /** First bytes of a TLS handshake record (e.g. ClientHello) and of a TLS alert record. */
  private static final byte TLS_HANDSHAKE = 0x16;

  private static final byte TLS_ALERT = 0x15;

  /** Frames above this are buffered into room reserved up front, see {@link #decode}. */
  private static final int LARGE_FRAME = 64 * 1024;

  /**
   * A connection holding less than this may read a small frame past the budget's limit (up to its
   * hard limit), so light callers are served while a greedy connection waits.
   */
  private static final long LIGHT_HOLDING = 4 * LARGE_FRAME;

  /**
   * Inflating more than this in one frame ends the connection's turn on its network thread, so a
   * stream of small frames that inflate large cannot keep the thread from other connections.
   */
  private static final long COSTLY_INFLATION = 1 << 20;

  private final FrameCodec codec;
  private final MemoryBudget budget;
  private final long frameTimeoutNanos;
  private boolean failed;

  /** Bytes reserved for the frame being buffered; handed to its {@link InboundFrame}. */
  private long reserved;

  /** Bytes held by this connection's requests not yet finished, see {@link #held}. */
  private final ConnectionMemory held;

  private boolean waitingForMemory;
  private ScheduledFuture<?> frameTimer;

  /** Bytes granted to the payload being inflated, by {@link #inflation}. */
  private long inflated;

  /** Asks the budget for each block of an inflating payload; one per decoder, not per frame. */
  private final java.util.function.IntPredicate inflation = this::grantInflation;

  private ReadGate gate;

  /** A client's decoder: no budget, no frame timeout; emits {@link Message}s. */
  public FrameDecoder(FrameCodec codec) {
    this(codec, null, Duration.ZERO, null);
  }

  private FrameDecoder(
      FrameCodec codec, MemoryBudget budget, Duration frameTimeout, ConnectionMemory held) {
    this.codec = codec;
    this.budget = budget;
    this.frameTimeoutNanos = frameTimeout == null ? 0 : frameTimeout.toNanos();
    this.held = held;
  }

  /**
   * A server connection's decoder: frames held to {@code budget}, each to be completed within
   * {@code frameTimeout} (zero: no limit); emits {@link InboundFrame}s whose charge the server
   * releases through {@code held} when each call ends.
   */
  public static FrameDecoder forServer(
      FrameCodec codec, MemoryBudget budget, Duration frameTimeout, ConnectionMemory held) {
    return new FrameDecoder(codec, budget, frameTimeout, held);
  }

  /**
   * What one connection's unfinished requests hold of the budget, so a connection already holding
   * much is the one that waits.
   */
  public static final class ConnectionMemory {
    private final java.util.concurrent.atomic.AtomicLong bytes =
        new java.util.concurrent.atomic.AtomicLong();

    /** Counts {@code charge} more bytes for this connection. */
    void add(long charge) {
      bytes.addAndGet(charge);
    }

    /** Counts {@code charge} bytes less, when a request that held them is done. */
    public void remove(long charge) {
      bytes.addAndGet(-charge);
    }

    public long bytes() {
      return bytes.get();
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int readable = in.readableBytes();
    if (readable < 1) {
      cancelFrameTimer();
      return;
    }
    if (budget != null && gate(ctx).isPaused(ReadGate.YIELD | ReadGate.MEMORY)) {
      // Buffered frames wait with the rest until the turn or the memory comes back.
      return;
    }
    try {
      byte first = in.getByte(in.readerIndex());
      if (first == TLS_HANDSHAKE || first == TLS_ALERT) {
        // Both are wrong magic numbers; say what the peer most likely is.
        throw new ProtocolException(
            String.format(
                "wrong magic number 0x%02x: the peer speaks "
                    + "TLS and this side does not (configure TLS on both sides)",
                first));
      }
      FrameCodec.checkMagic(first);
      if (readable < FrameCodec.HEADER_LENGTH) {
        armFrameTimer(ctx);
        return;
      }
      int frameLen = codec.frameLength(in);
      if (readable < frameLen) {
        // Refused before the rest is waited for; a whole frame's decode checks the same limits.
        codec.checkPrefix(in);
      }
      if (budget != null && !reserveFor(ctx, frameLen, readable)) {
        return;
      }
      if (readable < frameLen) {
        // Armed only while a frame is incomplete: a frame that arrives whole costs no timer.
        armFrameTimer(ctx);
        int missing = frameLen - readable;
        int room = (int) Math.min(missing, 8L * readable);
        if (frameLen > LARGE_FRAME
            && in.writableBytes() < missing
            && in.maxWritableBytes() >= room) {
          // Room for the rest of a large frame in few steps, so later reads are copied in once
          // rather than the buffer being regrown (and copied whole) many times. Each step is at
          // most 8x what has arrived: a header alone cannot make us allocate its claimed length.
          // (A buffer that cannot grow, such as a WebSocket payload slice that became the
          // cumulation, is replaced by the cumulator when the next bytes come.)
          in.ensureWritable(room);
        }
        return;
      }
      cancelFrameTimer();
      ByteBuf frame = in.readSlice(frameLen);
      if (budget == null) {
        out.add(codec.decode(frame));
        return;
      }
      InboundFrame decoded = decodeCharged(frame, frameLen);
      out.add(decoded);
      if (decoded.message().compressType() != CompressType.NONE
          && decoded.message().payload().length > COSTLY_INFLATION) {
        yieldTurn(ctx);
      }
    } catch (ProtocolException e) {
      fail(ctx, in, e);
    } catch (VirtualMachineError e) {
      // Out of memory decoding one peer's frame: that peer's connection goes, the loop stays.
      fail(ctx, in, new ProtocolException("the server could not decode a frame: " + e));
    }
  }

  /** The connection's read gate, looked up once. */
  private ReadGate gate(ChannelHandlerContext ctx) {
    ReadGate g = gate;
    if (g == null) {
      g = ReadGate.of(ctx.channel());
      gate = g;
    }
    return g;
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, ProtocolException e) {
    failed = true;
    cancelFrameTimer();
    in.skipBytes(in.readableBytes());
    releaseReserved();
    // The connection's handler logs the reason and closes it; the client also fails its calls
    // with this reason rather than a bare EOF.
    ctx.fireExceptionCaught(e);
  }

  /**
   * Reserves the budget for the frame of {@code frameLen} bytes being buffered: all of it for a
   * small frame, for a large one as much as is buffered next (see the room reserved in {@link
   * #decode}). Returns false, with reading paused until memory is released, when the budget
   * cannot hold it.
   */
  private boolean reserveFor(ChannelHandlerContext ctx, int frameLen, int readable) {
    if (frameLen > budget.limit()) {
      throw new ProtocolException(
          "frame of "
              + frameLen
              + " bytes exceeds the server's memory budget of "
              + budget.limit()
              + " bytes");
    }
    long want =
        frameLen <= LARGE_FRAME || readable >= frameLen
            ? frameLen
            : Math.min(frameLen, readable + Math.min(frameLen - readable, 8L * readable));
    long more = want - reserved;
    if (more <= 0) {
      return true;
    }
    boolean granted =
        frameLen <= LARGE_FRAME && held.bytes() + reserved < LIGHT_HOLDING
            ? budget.tryReserveSmall(more)
            : budget.tryReserve(more);
    if (granted) {
      reserved += more;
      return true;
    }
    waitForMemory(ctx);
    return false;
  }

  private void waitForMemory(ChannelHandlerContext ctx) {
    ReadGate.of(ctx.channel()).pause(ReadGate.MEMORY);
    if (waitingForMemory) {
      return;
    }
    waitingForMemory = true;
    budget.whenAvailable(
        () ->
            ctx.executor()
                .execute(
                    () -> {
                      waitingForMemory = false;
                      resumeReading(ctx, ReadGate.MEMORY);
                    }));
  }

  /** Stops reading until the network thread has run its other connections' I/O. */
  private void yieldTurn(ChannelHandlerContext ctx) {
    ReadGate gate = ReadGate.of(ctx.channel());
    gate.pause(ReadGate.YIELD);
    // A task runs after the I/O of the current loop iteration, other channels' reads included.
    ctx.executor().execute(() -> resumeReading(ctx, ReadGate.YIELD));
  }

  private void resumeReading(ChannelHandlerContext ctx, int reason) {
    if (ctx.isRemoved() || !ctx.channel().isActive()) {
      return;
    }
    ReadGate.of(ctx.channel()).resume(reason);
    // The bytes already buffered are decoded again now; new ones come with auto-read.
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private InboundFrame decodeCharged(ByteBuf frame, int frameLen) {
    inflated = 0;
    Message m;
    String refusal = null;
    try {
      m = codec.decode(frame, inflation);
    } catch (PayloadRefusedException e) {
      m = e.message();
      refusal = e.getMessage();
    } catch (RuntimeException | Error e) {
      budget.release(inflated);
      throw e;
    }
    // What the request holds from now on: its decoded form, about the frame's size, plus what
    // its payload inflated to, which replaces the compressed bytes.
    long charge =
        m.compressType() != CompressType.NONE && refusal == null
            ? frameLen + (long) m.payload().length
            : frameLen;
    long granted = reserved + inflated;
    reserved = 0;
    if (granted > charge) {
      budget.release(granted - charge);
    } else {
      budget.forceReserve(charge - granted);
    }
    if (refusal != null) {
      budget.release(charge);
      return new InboundFrame(m, 0, refusal);
    }
    held.add(charge);
    return new InboundFrame(m, charge, null);
  }

  private boolean grantInflation(int bytes) {
    if (budget.tryReserve(bytes)) {
      inflated += bytes;
      return true;
    }
    return false;
  }

  private void releaseReserved() {
    if (budget != null && reserved > 0) {
      budget.release(reserved);
      reserved = 0;
    }
  }

  private void armFrameTimer(ChannelHandlerContext ctx) {
    if (frameTimeoutNanos <= 0 || frameTimer != null) {
      return;
    }
    frameTimer =
        ctx.executor()
            .schedule(
                () -> {
                  frameTimer = null;
                  if (ReadGate.of(ctx.channel()).isPaused(ReadGate.MEMORY | ReadGate.WRITE)) {
                    // This side stopped reading, not the peer: the peer gets its time again.
                    armFrameTimer(ctx);
                    return;
                  }
                  if (!failed && internalBuffer().isReadable()) {
                    fail(
                        ctx,
                        internalBuffer(),
                        new ProtocolException(
                            "a frame was not completed within "
                                + Duration.ofNanos(frameTimeoutNanos).toMillis()
                                + " ms of its first byte"));
                  }
                },
                frameTimeoutNanos,
                TimeUnit.NANOSECONDS);
  }

  private void cancelFrameTimer() {
    if (frameTimer != null) {
      frameTimer.cancel(false);
      frameTimer = null;
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (budget != null && gate(ctx).isPaused()) {
      // ByteToMessageDecoder would ask for one more read when auto-read is off and nothing was
      // decoded, buffering more of a frame the budget cannot hold: stay paused instead.
      discardSomeReadBytes();
      ctx.fireChannelReadComplete();
      return;
    }
    super.channelReadComplete(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelFrameTimer();
    releaseReserved();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelFrameTimer();
    releaseReserved();
    super.channelInactive(ctx);
  }
}
