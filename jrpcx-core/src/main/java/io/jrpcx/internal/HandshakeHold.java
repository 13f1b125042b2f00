package io.jrpcx.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import java.nio.channels.ClosedChannelException;

/**
 * Holds what a server connection writes (a push, say: the connection counts as open from its
 * first byte) until the network's handshake is done, then lets it out behind the handshake's
 * answer, through the frame layer the handshake installed. Without it such a frame would reach
 * the peer before the {@code 200 Connected} line or the {@code 101} response, in the middle of
 * the handshake. What is held when the connection closes first is released and failed.
 */
final class HandshakeHold extends ChannelOutboundHandlerAdapter {
  static final String NAME = "handshake-hold";

  private PendingWriteQueue held;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    held = new PendingWriteQueue(ctx);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    held.add(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    // Nothing goes out before the handshake is done; its own answer is flushed by the handshake.
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
    held.removeAndFailAll(new ClosedChannelException());
    super.close(ctx, promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!held.isEmpty()) {
      if (ctx.channel().isActive()) {
        held.removeAndWriteAll();
        ctx.flush();
      } else {
        held.removeAndFailAll(new ClosedChannelException());
      }
    }
  }
}
