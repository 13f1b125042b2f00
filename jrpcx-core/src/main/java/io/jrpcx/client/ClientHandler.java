package io.jrpcx.client;

import io.jrpcx.ConnectionException;
import io.jrpcx.internal.NettyTls;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands a client's inbound frames and connection events to its {@link ClientTransport}. */
final class ClientHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

  private final ClientTransport client;

  ClientHandler(ClientTransport client) {
    this.client = client;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    client.onMessage((Message) msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    client.onConnectionClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      log.debug("closing idle connection to {}", ctx.channel().remoteAddress());
      client.setCloseCause(
          new ConnectionException(
              "idle timeout: nothing received for " + client.options().idleTimeout()));
      ctx.close();
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent
        && !((SslHandshakeCompletionEvent) evt).isSuccess()) {
      // Fired before the TLS handler closes the channel, so calls fail with this reason.
      client.setCloseCause(tlsError(((SslHandshakeCompletionEvent) evt).cause()));
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (NettyTls.isTlsFailure(cause)) {
      log.debug(
          "connection to {} failed: TLS: {}",
          ctx.channel().remoteAddress(),
          NettyTls.reason(cause));
      client.setCloseCause(tlsError(cause));
      ctx.close();
      return;
    }
    if (cause instanceof ProtocolException) {
      log.warn("closing connection to {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
    } else if (cause instanceof IOException) {
      log.debug("connection to {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn(
          "closing connection to {} after an unexpected error",
          ctx.channel().remoteAddress(),
          cause);
    }
    client.setCloseCause(cause);
    ctx.close();
  }

  private static ConnectionException tlsError(Throwable cause) {
    return new ConnectionException("closed on a TLS error: " + NettyTls.reason(cause), cause);
  }
}
