package io.jrpcx.transport;

import io.jrpcx.protocol.FrameCodec;
import io.jrpcx.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the inbound byte stream into frames and decodes each into a {@link Message}.
 *
 * <p>The magic byte is checked as soon as it arrives and the frame length as soon as the 16-byte
 * header has, so an oversize frame is refused before any of it is buffered. Bytes that are not a
 * valid frame end decoding on this connection with a {@link ProtocolException} passed down the
 * pipeline, whose handler logs it and closes the connection: the stream cannot be resynchronised.
 * Other connections are unaffected.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  /** First bytes of a TLS handshake record (e.g. ClientHello) and of a TLS alert record. */
  private static final byte TLS_HANDSHAKE = 0x16;
  private static final byte TLS_ALERT = 0x15;

  /** Frames above this are buffered into room reserved up front, see {@link #decode}. */
  private static final int LARGE_FRAME = 64 * 1024;

  private final FrameCodec codec;
  private boolean failed;

  public FrameDecoder(FrameCodec codec) {
    this.codec = codec;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int readable = in.readableBytes();
    if (readable < 1) {
      return;
    }
    try {
      byte first = in.getByte(in.readerIndex());
      if (first == TLS_HANDSHAKE || first == TLS_ALERT) {
        // Both are wrong magic numbers; say what the peer most likely is.
        throw new ProtocolException(String.format("wrong magic number 0x%02x: the peer speaks "
            + "TLS and this side does not (configure TLS on both sides)", first));
      }
      FrameCodec.checkMagic(first);
      if (readable < FrameCodec.HEADER_LENGTH) {
        return;
      }
      int frameLen = codec.frameLength(in);
      if (readable < frameLen) {
        int missing = frameLen - readable;
        if (frameLen > LARGE_FRAME && in.writableBytes() < missing) {
          // Room for the rest of a large frame in few steps, so later reads are copied in once
          // rather than the buffer being regrown (and copied whole) many times. Each step is at
          // most 8x what has arrived: a header alone cannot make us allocate its claimed length.
          in.ensureWritable((int) Math.min(missing, 8L * readable));
        }
        return;
      }
      out.add(codec.decode(in.readSlice(frameLen)));
    } catch (ProtocolException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      // The connection's handler logs the reason and closes it; the client also fails its calls
      // with this reason rather than a bare EOF.
      ctx.fireExceptionCaught(e);
    }
  }
}
