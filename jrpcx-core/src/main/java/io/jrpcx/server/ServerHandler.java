package io.jrpcx.server;

import io.jrpcx.ServiceException;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.jrpcx.transport.NettyTls;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives decoded requests of one connection on its event loop: heartbeats, unknown services
 * and methods, and {@link NonBlocking} methods are answered right here, everything else is handed
 * to the handler executor.
 */
final class ServerHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);

  private final Server server;
  private ServerConnection conn;

  ServerHandler(Server server) {
    this.server = server;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    conn = new ServerConnection(server, ctx.channel());
    if (!server.plugins.connectionAccepted(conn)) {
      log.debug("plugin rejected connection from {}", conn.remoteAddress());
      ctx.close();
      return;
    }
    server.connectionOpened(conn);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (conn != null && server.connectionClosed(conn)) {
      server.plugins.connectionClosed(conn);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Message request = (Message) msg;
    if (server.draining()) {
      // Read after shutdown stopped reading: not run, never answered; the connection closes
      // once the calls accepted before are answered, and the caller may retry elsewhere.
      log.debug("dropping {}.{} from {}: the server is shutting down", request.servicePath(),
          request.serviceMethod(), conn.remoteAddress());
      return;
    }
    // Go treats every inbound frame as a request, whatever its type bit says (spec 1.15).
    try {
      ServiceException rejected = server.plugins.postReadRequest(conn, request);
      if (rejected != null) {
        rejectWithoutCall(request, rejected.getMessage());
        return;
      }
    } catch (Exception e) {
      log.warn("closing connection {}: PostReadRequest plugin failed: {}", conn.remoteAddress(),
          e.toString());
      ctx.close();
      return;
    }
    if (request.isHeartbeat()) {
      server.plugins.heartbeat(conn, request);
      // Echo the frame unchanged but for the type bit, as Go does; it is not routed to a service.
      request.setResponse(true);
      conn.write(request, null);
      return;
    }
    server.callStarted();
    ServerCall call = new ServerCall(server, conn, request);
    if (runsInline(request)) {
      call.run();
      return;
    }
    try {
      server.executor.execute(call);
    } catch (RejectedExecutionException e) {
      server.callFinished();
      rejectWithoutCall(request, "rpcx: server is overloaded or shutting down; " + request.servicePath()
          + "." + request.serviceMethod() + " was not run");
    }
  }

  /**
   * {@link NonBlocking} methods run right here; so do unknown ones, to answer the error, unless an
   * authenticator, which may block, must see them first.
   */
  private boolean runsInline(Message request) {
    ServiceDefinition service = server.service(request.servicePath());
    MethodInvoker method = service == null ? null : service.method(request.serviceMethod());
    return method == null ? server.authenticator == null : method.nonBlocking;
  }

  private void rejectWithoutCall(Message request, String text) {
    if (request.isOneway()) {
      return;
    }
    Message response = request.newResponse()
        .setStatusType(Message.STATUS_ERROR)
        .putMetadata(Message.ERROR_KEY, text);
    // Through the write hooks like every other answer, so plugins see each request end.
    server.plugins.preWriteResponse(conn, request, response);
    conn.write(response, error -> server.plugins.postWriteResponse(conn, request, response, error));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent && !((SslHandshakeCompletionEvent) evt)
        .isSuccess()) {
      // The TLS handler closes the connection itself; say why here, once.
      Throwable cause = ((SslHandshakeCompletionEvent) evt).cause();
      log.warn("closing connection {}: TLS handshake failed: {}", ctx.channel().remoteAddress(),
          NettyTls.reason(cause));
      NettyTls.answerPlaintextPeer(ctx.channel(), cause);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (NettyTls.isTlsFailure(cause)) {
      SslHandler tls = NettyTls.handler(ctx.channel());
      if (tls != null && tls.handshakeFuture().cause() != null) {
        // Already logged by userEventTriggered.
        log.debug("connection {} failed its TLS handshake", ctx.channel().remoteAddress(), cause);
      } else {
        log.warn("closing connection {}: TLS failed: {}", ctx.channel().remoteAddress(),
            NettyTls.reason(cause));
      }
    } else if (cause instanceof ProtocolException) {
      log.warn("closing connection {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
    } else if (cause instanceof IOException) {
      log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("closing connection {} after an unexpected error", ctx.channel().remoteAddress(),
          cause);
    }
    ctx.close();
  }
}
