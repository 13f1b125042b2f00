package io.jrpcx.gateway;

import io.jrpcx.server.Server;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the HTTP requests of one connection, one at a time and in order (pipelined requests
 * wait their turn), routing each to JSON-RPC or the gateway. Runs on the connection's event loop;
 * calls run on the server's executor and their answers come back here.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
  private final Gateway gateway;
  private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);

  /** Requests a client may pipeline behind the one being served before it is cut off. */
  static final int MAX_PIPELINED = 16;

  private final Server server;
  private final boolean cors;
  private final int maxBatchSize;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private HttpCaller caller;
  private boolean serving;

  /** Whether this connection logged a WARN already: one is enough to look into it. */
  private boolean warned;

  HttpConnection(Server server, Gateway gateway) {
    this.gateway = gateway;
    this.server = server;
    this.cors = gateway.cors() != null;
    this.maxBatchSize = gateway.maxBatchSize();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    caller = new HttpCaller(ctx.channel());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      read(ctx, msg);
    } catch (Throwable t) {
      // An Error included: it must not unwind into the event loop, which serves others too.
      failed(
          ctx,
          "closing HTTP connection " + ctx.channel().remoteAddress() + " after an unexpected error",
          t);
    }
  }

  private void read(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest)) {
      ReferenceCountUtil.release(msg); // the aggregator passes whole requests only
      return;
    }
    FullHttpRequest request = (FullHttpRequest) msg;
    if (!serving) {
      serve(ctx, request);
    } else if (waiting.size() < MAX_PIPELINED) {
      waiting.add(request);
    } else {
      request.release();
      gateway
          .failures()
          .warn(
              log,
              "closing HTTP connection "
                  + ctx.channel().remoteAddress()
                  + ": more than "
                  + MAX_PIPELINED
                  + " pipelined requests");
      ctx.close();
    }
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    serving = true;
    boolean keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
    String target = request.method() + " " + Texts.bounded(request.uri());
    CompletionStage<FullHttpResponse> response;
    try {
      response = route(request);
    } catch (Throwable t) {
      response = CompletableFuture.failedFuture(t);
    } finally {
      request.release();
    }
    response.whenComplete(
        (r, failure) -> {
          if (ctx.executor().inEventLoop()) {
            respond(ctx, r, failure, target, keepAlive);
            return;
          }
          try {
            ctx.executor().execute(() -> respond(ctx, r, failure, target, keepAlive));
          } catch (RejectedExecutionException e) {
            if (r != null) {
              r.release(); // the connection's event loop is gone, and the connection with it
            }
          }
        });
  }

  /** On the event loop: writes the response, or a 500 for the failure. */
  private void respond(
      ChannelHandlerContext ctx,
      FullHttpResponse response,
      Throwable failure,
      String target,
      boolean keepAlive) {
    FullHttpResponse answer = response;
    try {
      if (answer == null) {
        answer = internalError(ctx, target, failure);
      }
      answer(ctx, answer, keepAlive);
    } catch (Throwable t) {
      if (answer != null && answer.refCnt() > 0) {
        answer.release();
      }
      failed(
          ctx,
          "closing HTTP connection "
              + ctx.channel().remoteAddress()
              + " after an unexpected error answering it",
          t);
    }
  }

  /**
   * The answer to a request the gateway failed on: 500, and the connection closes, since what
   * went wrong may have left it in any state. Counted and logged (rate limited).
   */
  private FullHttpResponse internalError(
      ChannelHandlerContext ctx, String target, Throwable failure) {
    Throwable t = RpcxHeaders.unwrap(failure);
    gateway
        .failures()
        .unexpected(
            log,
            !warned,
            "HTTP gateway failed on " + target + " from " + ctx.channel().remoteAddress(),
            t);
    warned = true;
    FullHttpResponse r =
        Responses.text(
            HttpResponseStatus.INTERNAL_SERVER_ERROR,
            "internal gateway error: " + t.getClass().getName());
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }

  private CompletionStage<FullHttpResponse> route(FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      Throwable cause = request.decoderResult().cause();
      log.debug(
          "malformed HTTP request from {}: {}",
          caller.remoteAddress(),
          Texts.bounded(cause.toString()));
      return CompletableFuture.completedFuture(
          Responses.text(
              HttpResponseStatus.BAD_REQUEST,
              "malformed HTTP request: " + Texts.bounded(cause.getMessage())));
    }
    HttpMethod method = request.method();
    if (!method.equals(HttpMethod.POST)
        && !method.equals(HttpMethod.GET)
        && !method.equals(HttpMethod.PUT)) {
      FullHttpResponse notAllowed =
          Responses.text(
              HttpResponseStatus.METHOD_NOT_ALLOWED,
              "method " + Texts.bounded(method.name()) + " is not allowed: use POST, GET or PUT");
      notAllowed
          .headers()
          .set(HttpHeaderNames.ALLOW, cors ? "GET, POST, PUT, OPTIONS" : "GET, POST, PUT");
      return CompletableFuture.completedFuture(notAllowed);
    }
    byte[] body;
    try {
      body =
          RpcxHeaders.contentDecoded(
              server, request.headers(), ByteBufUtil.getBytes(request.content()));
    } catch (HttpError e) {
      return CompletableFuture.completedFuture(RpcxHeaders.refused(request.headers(), e));
    }
    if (JsonRpc.selected(request.headers())) {
      return JsonRpc.serve(server, caller, maxBatchSize, request.headers(), body);
    }
    return RpcxHeaders.serve(server, caller, request.uri(), request.headers(), body);
  }

  private void answer(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    if (HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(
        response.headers().get(HttpHeaderNames.CONNECTION, ""))) {
      keepAlive = false;
    }
    HttpUtil.setContentLength(response, response.content().readableBytes());
    HttpUtil.setKeepAlive(response, keepAlive);
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    if (!keepAlive) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return; // still "serving": nothing more is read from this connection
    }
    ctx.writeAndFlush(response);
    serving = false;
    FullHttpRequest next = waiting.poll();
    if (next != null) {
      serve(ctx, next);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    FullHttpRequest r;
    while ((r = waiting.poll()) != null) {
      r.release();
    }
    ctx.fireChannelInactive(); // the server's connection handler tracks the connection
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (FailureLog.expected(cause)) {
      // The client went away, reset the connection or stopped mid-request: routine.
      log.debug(
          "HTTP connection {} failed: {}",
          ctx.channel().remoteAddress(),
          Texts.bounded(cause.toString()));
      ctx.close();
    } else {
      failed(
          ctx,
          "closing HTTP connection " + ctx.channel().remoteAddress() + " after an unexpected error",
          cause);
    }
  }

  /** Closes the connection after a failure that is not the peer's doing, counted and logged. */
  private void failed(ChannelHandlerContext ctx, String message, Throwable t) {
    try {
      gateway.failures().unexpected(log, !warned, message, t);
      warned = true;
    } finally {
      ctx.close();
    }
  }
}
