package io.jrpcx.transport.kcp;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/**
 * The end of the listener's pipeline: what Netty's {@code ServerBootstrapAcceptor} does for an
 * accepted socket, for a new KCP session. It gets the server's connection pipeline (the child
 * handler) and child options, then is registered on the event loop the listener chose for it.
 */
final class KcpAcceptor extends ChannelInboundHandlerAdapter {
  private final ChannelHandler childHandler;
  private final Map<ChannelOption<?>, Object> childOptions;

  KcpAcceptor(ChannelHandler childHandler, Map<ChannelOption<?>, Object> childOptions) {
    this.childHandler = childHandler;
    this.childOptions = childOptions;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof KcpChannel)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    KcpChannel child = (KcpChannel) msg;
    child.pipeline().addLast(childHandler);
    for (Map.Entry<ChannelOption<?>, Object> e : childOptions.entrySet()) {
      setOption(child, e.getKey(), e.getValue());
    }
    child
        .preferredLoop()
        .register(child)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    child.unsafe().closeForcibly();
                  }
                });
  }

  @SuppressWarnings("unchecked")
  private static void setOption(KcpChannel child, ChannelOption<?> option, Object value) {
    child.config().setOption((ChannelOption<Object>) option, value);
  }
}
