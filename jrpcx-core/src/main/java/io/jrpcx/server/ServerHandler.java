package io.jrpcx.server;

import io.jrpcx.ServiceException;
import io.jrpcx.internal.FrameDecoder;
import io.jrpcx.internal.InboundFrame;
import io.jrpcx.internal.NettyTls;
import io.jrpcx.internal.Network;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
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

  /** How long a connection closed for a protocol error waits for its answers to go out. */
  private static final long ANSWER_GRACE_SECONDS = 10;

  private final Server server;
  private final FrameDecoder.ConnectionMemory held;
  private ServerConnection conn;

  ServerHandler(Server server, FrameDecoder.ConnectionMemory held) {
    this.server = server;
    this.held = held;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    conn = new ServerConnection(server, ctx.channel(), held);
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
    InboundFrame frame = (InboundFrame) msg;
    Message request = frame.message();
    long charge = frame.charge();
    if (server.draining()) {
      // Read after shutdown stopped reading: not run, never answered; the connection closes
      // once the calls accepted before are answered, and the caller may retry elsewhere.
      conn.release(charge);
      log.debug(
          "dropping {}.{} from {}: the server is shutting down",
          Texts.clip(request.servicePath()),
          Texts.clip(request.serviceMethod()),
          conn.remoteAddress());
      return;
    }
    if (frame.refusal() != null) {
      rejectWithoutCall(
          request,
          "rpcx: server is overloaded ("
              + frame.refusal()
              + "); "
              + Texts.clip(request.servicePath())
              + "."
              + Texts.clip(request.serviceMethod())
              + " was not run");
      return;
    }
    try {
      serve(ctx, request, charge);
    } catch (RuntimeException e) {
      conn.release(charge);
      throw e;
    }
  }

  private void serve(ChannelHandlerContext ctx, Message request, long charge) {
    // Go treats every inbound frame as a request, whatever its type bit says (spec 1.15).
    try {
      ServiceException rejected = server.plugins.postReadRequest(conn, request);
      if (rejected != null) {
        conn.release(charge);
        rejectWithoutCall(request, rejected.getMessage());
        return;
      }
    } catch (Exception e) {
      conn.release(charge);
      log.warn(
          "closing connection {}: PostReadRequest plugin failed: {}",
          conn.remoteAddress(),
          e.toString());
      ctx.close();
      return;
    }
    if (request.isHeartbeat()) {
      try {
        server.plugins.heartbeat(conn, request);
        // Echo the frame unchanged but for the type bit, as Go does; not routed to a service.
        request.setResponse(true);
        conn.write(request, null);
      } finally {
        conn.release(charge);
      }
      return;
    }
    server.callStarted();
    conn.callStarted();
    ServerCall call = new ServerCall(server, conn, request, charge);
    if (runsInline(request)) {
      call.run();
      return;
    }
    try {
      server.executor.execute(call);
    } catch (RejectedExecutionException e) {
      server.callFinished();
      conn.callFinished(charge);
      rejectWithoutCall(
          request,
          "rpcx: server is overloaded or shutting down; "
              + Texts.clip(request.servicePath())
              + "."
              + Texts.clip(request.serviceMethod())
              + " was not run");
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
    Message response =
        request
            .newResponse()
            .setStatusType(Message.STATUS_ERROR)
            .putMetadata(Message.ERROR_KEY, text);
    // Through the write hooks like every other answer, so plugins see each request end.
    server.plugins.preWriteResponse(conn, request, response);
    conn.write(response, error -> server.plugins.postWriteResponse(conn, request, response, error));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent
        && !((SslHandshakeCompletionEvent) evt).isSuccess()) {
      // The TLS handler closes the connection itself; say why here, once.
      Throwable cause = ((SslHandshakeCompletionEvent) evt).cause();
      log.warn(
          "closing connection {}: TLS handshake failed: {}",
          Network.peerAddress(ctx.channel()),
          NettyTls.reason(cause));
      NettyTls.answerPlaintextPeer(ctx.channel(), cause);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    try {
      handle(ctx, cause);
    } catch (Throwable t) {
      // Even logging can fail when memory is gone: the connection still goes.
      server.networkThreadError();
      ctx.close();
    }
  }

  private void handle(ChannelHandlerContext ctx, Throwable cause) {
    VirtualMachineError fatal = vmError(cause);
    if (fatal != null) {
      // Caused by what this peer sent, most likely (a huge frame decoded at a bad moment): its
      // connection goes, the network thread and every other connection stay.
      server.networkThreadError();
      long suppressed = server.connectionWarnings.admit();
      if (suppressed >= 0) {
        log.error(
            "closing connection {} after {} on its network thread{}",
            Network.peerAddress(ctx.channel()),
            fatal.toString(),
            LogLimiter.suffix(suppressed));
      }
      ctx.close();
      return;
    }
    if (NettyTls.isTlsFailure(cause)) {
      SslHandler tls = NettyTls.handler(ctx.channel());
      if (tls != null && tls.handshakeFuture().cause() != null) {
        // Already logged by userEventTriggered.
        log.debug(
            "connection {} failed its TLS handshake", Network.peerAddress(ctx.channel()), cause);
      } else {
        log.warn(
            "closing connection {}: TLS failed: {}",
            Network.peerAddress(ctx.channel()),
            NettyTls.reason(cause));
      }
    } else if (cause instanceof ProtocolException) {
      long suppressed = server.connectionWarnings.admit();
      if (suppressed >= 0) {
        log.warn(
            "closing connection {}: {}{}",
            Network.peerAddress(ctx.channel()),
            Texts.clip(cause.getMessage()),
            LogLimiter.suffix(suppressed));
      }
      if (conn != null) {
        // Requests read before the bad bytes are answered first, then the connection goes.
        conn.closeAfterAnswers(ANSWER_GRACE_SECONDS);
        return;
      }
    } else if (cause instanceof IOException) {
      // A peer going away (reset, broken pipe) is ordinary: no stack trace.
      log.debug("connection {} failed: {}", Network.peerAddress(ctx.channel()), cause.toString());
    } else {
      long suppressed = server.connectionWarnings.admit();
      if (suppressed >= 0) {
        log.warn(
            "closing connection {} after an unexpected error{}",
            Network.peerAddress(ctx.channel()),
            LogLimiter.suffix(suppressed),
            cause);
      }
    }
    ctx.close();
  }

  private static VirtualMachineError vmError(Throwable t) {
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof VirtualMachineError) {
        return (VirtualMachineError) t;
      }
    }
    return null;
  }
}
