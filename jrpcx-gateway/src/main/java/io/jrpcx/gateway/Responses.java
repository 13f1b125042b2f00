package io.jrpcx.gateway;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** HTTP responses the gateway sends, and header-safe text. */
final class Responses {
  private Responses() {}

  static FullHttpResponse bytes(HttpResponseStatus status, String contentType, byte[] body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    if (contentType != null) {
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    return r;
  }

  static FullHttpResponse text(HttpResponseStatus status, String text) {
    return bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  static FullHttpResponse empty(HttpResponseStatus status) {
    return bytes(status, null, new byte[0]);
  }

  /**
   * {@code text} as a header value: header values are ASCII without line breaks, so controls
   * become spaces and other characters {@code ?}. Bodies carry the exact text.
   */
  static String headerValue(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      char safe = c < 0x20 || c == 0x7f ? ' ' : c > 0x7e ? '?' : c;
      if (safe != c && b == null) {
        b = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (b != null) {
        b.append(safe);
      }
    }
    return b == null ? text : b.toString();
  }
}
