package io.jrpcx.server;

import io.jrpcx.protocol.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AttributeKey;
import java.util.List;

/**
 * Port unification for {@link SharedPortProtocol}: a {@link Detector} looks at the first byte of a
 * connection and removes itself, leaving either the rpcx pipeline or the other protocol's.
 */
final class PortSharing {
  /** Pipeline name of the detector, in front of the frame decoder. */
  static final String DETECTOR = "detect";

  /** Pipeline name of the rpcx frame decoder, which another protocol's handlers replace. */
  static final String FRAMES = "frames";

  /** Set on a connection handed to another protocol. */
  private static final AttributeKey<SharedPortProtocol> OTHER_PROTOCOL =
      AttributeKey.valueOf("jrpcx.sharedPortProtocol");

  private PortSharing() {}

  /** Whether {@code channel} was handed to another protocol than rpcx. */
  static boolean servesOtherProtocol(Channel channel) {
    return channel.hasAttr(OTHER_PROTOCOL);
  }

  /** Why a connection of another protocol cannot receive rpcx server push. */
  static UnsupportedOperationException noPush(ClientConnection connection) {
    return new UnsupportedOperationException(
        "cannot push to "
            + connection.remoteAddress()
            + ": it is not an rpcx connection (server push needs a connection that speaks rpcx)");
  }

  /** Decides the protocol of one connection from its first byte, then steps out of the way. */
  static final class Detector extends ByteToMessageDecoder {
    private final Server server;
    private final SharedPortProtocol protocol;

    Detector(Server server, SharedPortProtocol protocol) {
      this.server = server;
      this.protocol = protocol;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (!in.isReadable()) {
        return;
      }
      ChannelPipeline p = ctx.pipeline();
      if (in.getByte(in.readerIndex()) != Message.MAGIC) {
        ctx.channel().attr(OTHER_PROTOCOL).set(protocol);
        p.remove(FRAMES);
        protocol.initChannel(ctx.channel(), server);
      }
      // Removing a decoder hands the bytes it holds to the next handler, unread.
      p.remove(this);
    }
  }
}
