package io.jrpcx.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP timeouts of one connection, on its event loop's timer: a request's line and headers
 * must arrive within the header timeout from its first byte, its body within the body timeout
 * after its headers, and a connection with every request answered must send its next one within
 * the idle timeout, as must a connection whose answers wait for the client to read them, unless
 * they make progress. One timer at a time runs, and only while the client owes something: never
 * while the server works on a request it has whole.
 *
 * <p>Sits after the HTTP codec, seeing requests as they are decoded and responses as they are
 * written; {@link #bytesSeen} sits before it, because a request's first byte is not decoded into
 * anything until its headers are complete.
 */
final class HttpTimeouts extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(HttpTimeouts.class);

  /** What the connection waits for, which decides the timer that runs. */
  enum Phase {
    /** Headers of a request whose first byte came. */
    HEADERS,
    /** The body of a request whose headers came. */
    BODY,
    /** The server's answers: no timer. */
    ANSWERS,
    /** The client to read answers written to it: the idle timeout, renewed by progress. */
    SENDING,
    /** A next request, every one answered. */
    IDLE
  }

  private final Duration headerTimeout;
  private final Duration bodyTimeout;
  private final Duration idleTimeout;
  private ChannelHandlerContext ctx;

  /** Between a request's first byte and the end of its body. */
  private boolean reading;

  /** The request being read has had its headers. */
  private boolean headersRead;

  /** Requests whose headers came and whose response is not written yet. */
  private int unanswered;

  /** Requests whose headers came and whose response was not even handed to the channel. */
  private int unqueued;

  /** Bytes waiting to be written when the SENDING timer started or last saw progress. */
  private long pendingAtCheck;

  private Phase timed;
  private ScheduledFuture<?> timer;

  HttpTimeouts(Gateway gateway) {
    this.headerTimeout = gateway.headerTimeout();
    this.bodyTimeout = gateway.bodyTimeout();
    this.idleTimeout = gateway.idleTimeout();
  }

  /** The handler to put before the HTTP codec: tells this one when a request's bytes start. */
  ChannelInboundHandlerAdapter bytesSeen() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        if (!reading && msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
          reading = true;
          headersRead = false;
          update();
        }
        c.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // Added when the connection's first byte came: the first request has begun.
    reading = true;
    update();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      reading = true;
      headersRead = true;
      unanswered++;
      unqueued++;
    }
    if (msg instanceof LastHttpContent) {
      reading = false;
    }
    update();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent
        && !(msg instanceof HttpResponse
            && ((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
      // Answered once written, not when queued: a client slow to read is still being answered.
      promise = promise.unvoid();
      promise.addListener(
          f -> {
            unanswered = Math.max(0, unanswered - 1);
            update();
          });
      unqueued = Math.max(0, unqueued - 1);
      ctx.write(msg, promise);
      update();
      return;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private Phase phase() {
    if (reading) {
      return headersRead ? Phase.BODY : Phase.HEADERS;
    }
    if (unanswered == 0) {
      return Phase.IDLE;
    }
    return unqueued > 0 ? Phase.ANSWERS : Phase.SENDING;
  }

  /** Starts the timer of the phase the connection is in, unless it already runs. */
  private void update() {
    Phase phase = phase();
    if (phase == timed || !ctx.channel().isActive()) {
      return; // a limit runs from the phase's start, however many bytes trickle in
    }
    cancel();
    timed = phase;
    pendingAtCheck = pendingBytes();
    schedule(phase);
  }

  private void schedule(Phase phase) {
    Duration limit = limit(phase);
    if (limit != null && !limit.isZero()) {
      timer =
          ctx.executor()
              .schedule(() -> expired(phase, limit), limit.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Bytes written to the connection and not yet taken by the network. */
  private long pendingBytes() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  private Duration limit(Phase phase) {
    switch (phase) {
      case HEADERS:
        return headerTimeout;
      case BODY:
        return bodyTimeout;
      case IDLE:
      case SENDING:
        return idleTimeout;
      default:
        return null;
    }
  }

  private void cancel() {
    timed = null;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expired(Phase phase, Duration limit) {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    if (phase == Phase.SENDING) {
      long pending = pendingBytes();
      if (pending < pendingAtCheck) {
        // The client reads, however slowly: a large answer may take longer than the limit.
        pendingAtCheck = pending;
        schedule(phase);
        return;
      }
    }
    log.debug(
        "closing HTTP connection {}: {} not received within {}",
        ctx.channel().remoteAddress(),
        what(phase),
        limit);
    // A response still owed to an earlier (pipelined) request would be preceded by this one.
    int owedBefore = unanswered - (phase == Phase.BODY ? 1 : 0);
    if (phase == Phase.IDLE || phase == Phase.SENDING || owedBefore > 0) {
      // Idle: no request to answer; a 408 now could cross a request the client is sending, and
      // read as its answer. HTTP clients expect idle connections to close.
      ctx.close();
      return;
    }
    FullHttpResponse timeout =
        Responses.text(
            HttpResponseStatus.REQUEST_TIMEOUT,
            what(phase) + " not received within " + limit.toMillis() + " ms");
    HttpUtil.setContentLength(timeout, timeout.content().readableBytes());
    timeout.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
  }

  private static String what(Phase phase) {
    switch (phase) {
      case HEADERS:
        return "request headers";
      case BODY:
        return "request body";
      case SENDING:
        return "progress reading the answers";
      default:
        return "next request";
    }
  }
}
