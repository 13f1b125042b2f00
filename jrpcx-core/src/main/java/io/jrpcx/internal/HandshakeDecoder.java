package io.jrpcx.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads one HTTP/1.x head (request or status line, header lines, blank line) that opens an http
 * or ws connection, bounded in size and time: a head over {@link #MAX_HEAD_BYTES} or not complete
 * within the handshake timeout ends the connection, so a peer cannot hold memory or a connection
 * with a half-sent handshake. Lines may end in LF (Go's CONNECT) or CRLF. Once the head is handled
 * the subclass removes this decoder; bytes that came after the head go on to the next handler.
 */
abstract class HandshakeDecoder extends ByteToMessageDecoder {
  /** Longest head accepted: far above any rpcx handshake (under 300 bytes), far below memory. */
  static final int MAX_HEAD_BYTES = 8 * 1024;

  private final long timeoutNanos;
  private ScheduledFuture<?> timer;

  /** Where the search for the blank line resumes, so a trickled head is scanned once. */
  private int scanned;

  private boolean done;

  HandshakeDecoder(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start(ctx);
    super.channelActive(ctx);
  }

  private void start(ChannelHandlerContext ctx) {
    if (timer != null || done) {
      return;
    }
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  if (!done) {
                    done = true;
                    timedOut(
                        ctx,
                        "the handshake was not completed within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms");
                  }
                },
                timeoutNanos,
                TimeUnit.NANOSECONDS);
    onActive(ctx);
  }

  /** The connection is up: a client sends its request here. */
  void onActive(ChannelHandlerContext ctx) {}

  @Override
  protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (done) {
      // Refused or timed out: the connection is closing, what else arrives is not kept.
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    int end = in.writerIndex();
    int headEnd = -1;
    for (int i = Math.max(start, start + scanned); i < end; i++) {
      if (in.getByte(i) != '\n') {
        continue;
      }
      // A blank line: "\n\n" or "\n\r\n".
      if (i > start && in.getByte(i - 1) == '\n'
          || i > start + 1 && in.getByte(i - 1) == '\r' && in.getByte(i - 2) == '\n') {
        headEnd = i + 1;
        break;
      }
    }
    if (headEnd < 0) {
      scanned = end - start;
      if (scanned > MAX_HEAD_BYTES) {
        done = true;
        cancelTimer();
        in.skipBytes(in.readableBytes());
        tooLarge(ctx);
      }
      return;
    }
    if (headEnd - start > MAX_HEAD_BYTES) {
      done = true;
      cancelTimer();
      in.skipBytes(in.readableBytes());
      tooLarge(ctx);
      return;
    }
    String head = in.toString(start, headEnd - start, StandardCharsets.ISO_8859_1);
    in.readerIndex(headEnd);
    done = true;
    cancelTimer();
    List<String> lines = new ArrayList<>();
    for (String line : head.split("\n", -1)) {
      String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    onHead(ctx, lines);
  }

  /**
   * The head arrived: its non-empty lines, the first being the request or status line. The
   * subclass answers, and removes this decoder or closes the connection.
   */
  abstract void onHead(ChannelHandlerContext ctx, List<String> lines);

  /** The head is longer than {@link #MAX_HEAD_BYTES}. */
  abstract void tooLarge(ChannelHandlerContext ctx);

  /** The handshake took longer than its timeout. */
  abstract void timedOut(ChannelHandlerContext ctx, String why);

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelTimer();
    if (!done) {
      done = true;
      closedEarly(ctx);
    }
    super.channelInactive(ctx);
  }

  /** The connection closed before the head arrived. */
  void closedEarly(ChannelHandlerContext ctx) {}

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelTimer();
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The value of header {@code name} (case-insensitive) in {@code lines}, or null. */
  static String header(List<String> lines, String name) {
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** Whether the comma-separated header value {@code value} lists {@code token}. */
  static boolean listsToken(String value, String token) {
    if (value == null) {
      return false;
    }
    for (String part : value.split(",")) {
      if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes an HTTP error response as Go's net/http does (plain text body) and closes the
   * connection once it is out.
   */
  static void refuse(ChannelHandlerContext ctx, String status, String body) {
    String response =
        "HTTP/1.1 "
            + status
            + "\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "X-Content-Type-Options: nosniff\r\n"
            + "Content-Length: "
            + body.length()
            + "\r\n"
            + "Connection: close\r\n\r\n"
            + body;
    ctx.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.ISO_8859_1))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
