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
import java.io.IOException;
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
  private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
  /** Requests a client may pipeline behind the one being served before it is cut off. */
  static final int MAX_PIPELINED = 16;

  private final Server server;
  private final boolean cors;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private HttpCaller caller;
  private boolean serving;

  HttpConnection(Server server, boolean cors) {
    this.server = server;
    this.cors = cors;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    caller = new HttpCaller(ctx.channel());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
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
      log.warn("closing HTTP connection {}: more than {} pipelined requests",
          ctx.channel().remoteAddress(), MAX_PIPELINED);
      ctx.close();
    }
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    serving = true;
    boolean keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
    CompletionStage<FullHttpResponse> response;
    try {
      response = route(request);
    } catch (RuntimeException e) {
      log.error("HTTP gateway failed on {} {}", request.method(), request.uri(), e);
      response = CompletableFuture.completedFuture(Responses.text(
          HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal gateway error: " + e));
    } finally {
      request.release();
    }
    response.whenComplete((r, failure) -> {
      FullHttpResponse answer = r != null ? r : Responses.text(
          HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal gateway error: " + failure);
      if (ctx.executor().inEventLoop()) {
        answer(ctx, answer, keepAlive);
        return;
      }
      try {
        ctx.executor().execute(() -> answer(ctx, answer, keepAlive));
      } catch (RejectedExecutionException e) {
        answer.release(); // the connection's event loop is gone, and the connection with it
      }
    });
  }

  private CompletionStage<FullHttpResponse> route(FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      Throwable cause = request.decoderResult().cause();
      log.debug("malformed HTTP request from {}: {}", caller.remoteAddress(), cause.toString());
      return CompletableFuture.completedFuture(Responses.text(HttpResponseStatus.BAD_REQUEST,
          "malformed HTTP request: " + cause.getMessage()));
    }
    HttpMethod method = request.method();
    if (!method.equals(HttpMethod.POST) && !method.equals(HttpMethod.GET)
        && !method.equals(HttpMethod.PUT)) {
      FullHttpResponse notAllowed = Responses.text(HttpResponseStatus.METHOD_NOT_ALLOWED,
          "method " + method + " is not allowed: use POST, GET or PUT");
      notAllowed.headers().set(HttpHeaderNames.ALLOW, cors ? "GET, POST, PUT, OPTIONS"
          : "GET, POST, PUT");
      return CompletableFuture.completedFuture(notAllowed);
    }
    byte[] body;
    try {
      body = RpcxHeaders.contentDecoded(server, request.headers(),
          ByteBufUtil.getBytes(request.content()));
    } catch (HttpError e) {
      return CompletableFuture.completedFuture(RpcxHeaders.refused(request.headers(), e));
    }
    if (JsonRpc.selected(request.headers())) {
      return JsonRpc.serve(server, caller, request.headers(), body);
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
    if (cause instanceof IOException) {
      log.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("closing HTTP connection {} after an unexpected error",
          ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
