package io.jrpcx.gateway;

import io.jrpcx.internal.MemoryBudget;
import io.jrpcx.internal.ReadGate;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds HTTP request bodies to the server's {@link MemoryBudget}, the one count of what all
 * connections hold, rpcx and HTTP alike: a body is reserved as it arrives (whole, from its {@code
 * Content-Length}, or chunk by chunk) and released once its request is answered. A body the
 * budget cannot hold is refused with {@code 503 Service Unavailable} and the connection closes,
 * after the answers it is owed for earlier pipelined requests; nothing more is read from it.
 *
 * <p>Sits between the HTTP codec and the aggregator. Confined to the channel's event loop.
 */
final class HttpMemory extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(HttpMemory.class);

  /** Bodies up to this size may use the budget's headroom, as small rpcx frames do. */
  private static final long SMALL_BODY = 64 * 1024;

  private final MemoryBudget budget;
  private final long maxBody;

  /** Bytes reserved for each request received whole and not yet answered, oldest first. */
  private final ArrayDeque<Long> unanswered = new ArrayDeque<>();

  /** Bytes reserved for the request being received. */
  private long receiving;

  /** Whether the request being received is being discarded (over the frame limit: 413). */
  private boolean untracked;

  /** Whether the request being received declared its length, reserved whole up front. */
  private boolean declared;

  /** Set once a body was refused: the connection answers what it owes, then 503, then closes. */
  private boolean refused;

  HttpMemory(MemoryBudget budget, long maxBody) {
    this.budget = budget;
    this.maxBody = maxBody;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest) {
      long length = HttpUtil.getContentLength((HttpRequest) msg, -1L);
      // Over the frame limit the aggregator answers 413 and drops the body: nothing to hold.
      untracked = length > maxBody;
      declared = length >= 0;
      if (!untracked && length > 0 && !reserve(length)) {
        refuse(ctx, msg, length);
        return;
      }
    }
    if (msg instanceof HttpContent && !untracked) {
      int chunk = ((HttpContent) msg).content().readableBytes();
      if (!declared && chunk > 0 && !reserve(chunk)) {
        refuse(ctx, msg, chunk);
        return;
      }
    }
    if (msg instanceof LastHttpContent) {
      if (!untracked) {
        unanswered.addLast(receiving);
      }
      receiving = 0;
      untracked = false;
      declared = false;
    }
    ctx.fireChannelRead(msg);
  }

  private boolean reserve(long bytes) {
    boolean ok =
        receiving + bytes <= SMALL_BODY ? budget.tryReserveSmall(bytes) : budget.tryReserve(bytes);
    if (ok) {
      receiving += bytes;
    }
    return ok;
  }

  private void refuse(ChannelHandlerContext ctx, Object msg, long bytes) {
    ReferenceCountUtil.release(msg);
    refused = true;
    ReadGate.of(ctx.channel()).pause(ReadGate.CLOSING);
    log.info(
        "refusing an HTTP request of {} body bytes from {}: the server's memory budget is "
            + "spent ({} of {} bytes held)",
        bytes,
        ctx.channel().remoteAddress(),
        budget.used(),
        budget.limit());
    budget.release(receiving);
    receiving = 0;
    if (unanswered.isEmpty()) {
      sendOverloaded(ctx);
    }
  }

  private void sendOverloaded(ChannelHandlerContext ctx) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            Unpooled.copiedBuffer(
                "rpcx: server is overloaded; try again later\n", StandardCharsets.UTF_8));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
        .set(HttpHeaderNames.RETRY_AFTER, "1");
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean ends =
        msg instanceof LastHttpContent
            && !(msg instanceof HttpResponse && informational((HttpResponse) msg));
    if (!ends || unanswered.isEmpty()) {
      ctx.write(msg, promise);
      return;
    }
    long held = unanswered.removeFirst();
    boolean last = refused && unanswered.isEmpty();
    promise.addListener(
        f -> {
          budget.release(held);
          if (last && ctx.channel().isActive()) {
            sendOverloaded(ctx);
          }
        });
    ctx.write(msg, promise);
  }

  private static boolean informational(HttpResponse r) {
    return r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseAll();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseAll();
  }

  private void releaseAll() {
    long total = receiving;
    receiving = 0;
    for (Long held; (held = unanswered.pollFirst()) != null; ) {
      total += held;
    }
    budget.release(total);
  }
}
