package io.jrpcx.gateway;

import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Compressor;
import io.jrpcx.protocol.GzipCompressor;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.jrpcx.registry.GoQuery;
import io.jrpcx.server.AuthenticationException;
import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.Server;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * rpcx's HTTP gateway: an HTTP request with {@code X-RPCX-*} headers becomes an rpcx request, the
 * rpcx response becomes the HTTP response. Header names and the error headers are Go's; where Go
 * is lax this is strict (see docs/gateway.md).
 */
final class RpcxHeaders {
  static final String VERSION = "X-RPCX-Version";
  static final String MESSAGE_ID = "X-RPCX-MessageID";
  static final String HEARTBEAT = "X-RPCX-Heartbeat";
  static final String ONEWAY = "X-RPCX-Oneway";
  static final String MESSAGE_STATUS_TYPE = "X-RPCX-MessageStatusType";
  static final String ERROR_MESSAGE = "X-RPCX-ErrorMessage";
  static final String SERIALIZE_TYPE = "X-RPCX-SerializeType";
  static final String COMPRESS_TYPE = "X-RPCX-CompressType";
  static final String SERVICE_PATH = "X-RPCX-ServicePath";
  static final String SERVICE_METHOD = "X-RPCX-ServiceMethod";
  static final String META = "X-RPCX-Meta";
  static final String JSONRPC = "X-JSONRPC-2.0";
  private static final String PREFIX = "X-RPCX-";

  private RpcxHeaders() {}

  /** Serves one gateway request; completes with the response, never exceptionally. */
  static CompletionStage<FullHttpResponse> serve(
      Server server, ClientConnection caller, String uri, HttpHeaders headers, byte[] body) {
    Message request;
    try {
      request = toRequest(server, uri, headers, body);
    } catch (HttpError e) {
      return CompletableFuture.completedFuture(refused(headers, e));
    }
    return server
        .dispatch(caller, request)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                return failed(request, unwrap(failure));
              }
              if (response == null) {
                // Oneway: accepted, it runs on; nothing will come back.
                FullHttpResponse accepted = Responses.empty(HttpResponseStatus.ACCEPTED);
                echo(accepted.headers(), request.newResponse());
                return accepted;
              }
              return toResponse(server, response);
            });
  }

  static Message toRequest(Server server, String uri, HttpHeaders h, byte[] body) throws HttpError {
    Message m = new Message();
    boolean heartbeat = bool(h, HEARTBEAT);
    m.setHeartbeat(heartbeat).setOneway(bool(h, ONEWAY));
    String path = h.get(SERVICE_PATH);
    if (path == null || path.isEmpty()) {
      path = new QueryStringDecoder(uri).path();
      path = path.startsWith("/") ? path.substring(1) : path;
    }
    String method = h.get(SERVICE_METHOD, "");
    String serializeType = h.get(SERIALIZE_TYPE, "");
    if (!heartbeat) {
      // Go's texts; Go answers them with 200, this with 400.
      if (path.isEmpty()) {
        throw HttpError.badRequest("empty servicepath");
      }
      if (method.isEmpty()) {
        throw HttpError.badRequest("empty servicemethod");
      }
      if (serializeType.isEmpty()) {
        throw HttpError.badRequest("empty serialized type");
      }
    }
    m.setServicePath(path).setServiceMethod(method);
    if (!serializeType.isEmpty()) {
      m.setSerializeType(number(SERIALIZE_TYPE, serializeType, SerializeType.MAX));
    }
    m.setVersion(number(VERSION, h.get(VERSION, "0"), 255));
    String id = h.get(MESSAGE_ID);
    if (id != null && !id.isEmpty()) {
      try {
        m.setSeq(Long.parseUnsignedLong(id.trim()));
      } catch (NumberFormatException e) {
        throw HttpError.badRequest(
            MESSAGE_ID
                + " must be an unsigned 64-bit decimal number, was \""
                + Texts.bounded(id)
                + "\"");
      }
    }
    String meta = h.get(META);
    if (meta != null && !meta.isEmpty()) {
      try {
        for (Map.Entry<String, List<String>> e :
            new QueryStringDecoder(meta, StandardCharsets.UTF_8, false).parameters().entrySet()) {
          m.putMetadata(e.getKey(), e.getValue().get(0));
        }
      } catch (IllegalArgumentException e) {
        // The decoder's message quotes the whole header.
        throw HttpError.badRequest(
            META + " is not a URL query string: " + Texts.bounded(e.getMessage()));
      }
    }
    String auth = h.get(HttpHeaderNames.AUTHORIZATION);
    if (auth != null && !auth.isEmpty()) {
      m.putMetadata(Message.AUTH_KEY, auth);
    }
    int compressType = number(COMPRESS_TYPE, h.get(COMPRESS_TYPE, "0"), CompressType.MAX);
    if (compressType != CompressType.NONE) {
      body =
          inflate(
              server,
              server.compressors().get(compressType),
              body,
              COMPRESS_TYPE + " " + compressType);
      // The response is compressed the same way when it is large, as rpcx does.
      m.setCompressType(compressType);
    }
    m.setPayload(body);
    return m;
  }

  /** Undoes {@code Content-Encoding}: gzip (or none) only. */
  static byte[] contentDecoded(Server server, HttpHeaders h, byte[] body) throws HttpError {
    String encoding = h.get(HttpHeaderNames.CONTENT_ENCODING);
    if (encoding == null || encoding.isEmpty() || encoding.equalsIgnoreCase("identity")) {
      return body;
    }
    if (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip")) {
      Compressor gzip = server.compressors().get(CompressType.GZIP);
      return inflate(
          server, gzip != null ? gzip : new GzipCompressor(), body, "Content-Encoding " + encoding);
    }
    throw new HttpError(
        HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
        "unsupported Content-Encoding \""
            + Texts.bounded(encoding)
            + "\": send gzip or an uncompressed body");
  }

  private static byte[] inflate(Server server, Compressor c, byte[] body, String what)
      throws HttpError {
    if (c == null) {
      throw HttpError.badRequest("unsupported " + what + ": the server has no such compressor");
    }
    try {
      return c.decompress(body, server.maxDecompressedLength());
    } catch (ProtocolException e) {
      throw HttpError.badRequest(
          "body of " + what + " cannot be decompressed: " + Texts.bounded(e.getMessage()));
    }
  }

  static FullHttpResponse toResponse(Server server, Message response) {
    FullHttpResponse r;
    if (response.isError()) {
      String text = RpcxErrors.text(response);
      r = Responses.text(RpcxErrors.of(response, RpcxErrors.rawText(response)).status, text);
      error(r.headers(), text);
    } else {
      byte[] body = response.payload();
      if (response.compressType() != CompressType.NONE) {
        body = server.compressors().get(response.compressType()).compress(body);
        r = Responses.bytes(HttpResponseStatus.OK, contentType(response.serializeType()), body);
        r.headers().set(COMPRESS_TYPE, response.compressType());
      } else {
        r = Responses.bytes(HttpResponseStatus.OK, contentType(response.serializeType()), body);
      }
      r.headers().set(MESSAGE_STATUS_TYPE, "Normal");
    }
    echo(r.headers(), response);
    return r;
  }

  /** The X-RPCX-* headers every answer to a request that reached the server carries. */
  private static void echo(HttpHeaders h, Message response) {
    h.set(VERSION, response.version())
        .set(MESSAGE_ID, Long.toUnsignedString(response.seq()))
        .set(SERVICE_PATH, Responses.headerValue(response.servicePath()))
        .set(SERVICE_METHOD, Responses.headerValue(response.serviceMethod()))
        .set(SERIALIZE_TYPE, response.serializeType());
    if (response.isHeartbeat()) {
      h.set(HEARTBEAT, "true");
    }
    String meta = encodeMeta(response.metadata());
    if (!meta.isEmpty()) {
      h.set(META, meta);
    }
  }

  /**
   * Metadata as Go's {@code url.Values.Encode} writes it (sorted keys, {@code QueryEscape}), but
   * for the error, which is {@code X-RPCX-ErrorMessage}.
   */
  static String encodeMeta(Map<String, String> metadata) {
    Map<String, String> shown = new TreeMap<>(metadata);
    shown.remove(Message.ERROR_KEY);
    return GoQuery.encodeSingle(shown);
  }

  private static void error(HttpHeaders h, String text) {
    h.set(MESSAGE_STATUS_TYPE, "Error").set(ERROR_MESSAGE, Responses.headerValue(text));
  }

  /** A request refused before dispatch: its X-RPCX-* headers copied back, as Go does. */
  static FullHttpResponse refused(HttpHeaders request, HttpError e) {
    FullHttpResponse r = Responses.text(e.status, e.getMessage());
    for (Map.Entry<String, String> h : request) {
      if (h.getKey().regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
        r.headers().set(h.getKey(), Responses.headerValue(h.getValue()));
      }
    }
    error(r.headers(), e.getMessage());
    return r;
  }

  private static FullHttpResponse failed(Message request, Throwable failure) {
    FullHttpResponse r;
    String text = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    if (failure instanceof AuthenticationException) {
      r = Responses.text(HttpResponseStatus.UNAUTHORIZED, text);
    } else {
      // A PostReadRequest plugin failed: rpcx would close the connection, so does this.
      r = Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, text);
      r.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    error(r.headers(), text);
    echo(r.headers(), request.newResponse());
    return r;
  }

  static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  static String contentType(int serializeType) {
    switch (serializeType) {
      case SerializeType.JSON:
        return "application/json";
      case SerializeType.PROTOBUF:
        return "application/x-protobuf";
      case SerializeType.MSGPACK:
        return "application/msgpack";
      case SerializeType.THRIFT:
        return "application/x-thrift";
      default:
        return "application/octet-stream";
    }
  }

  /** A header that is true or false: "true"/"1" or "false"/"0", any case; absent is false. */
  private static boolean bool(HttpHeaders h, String name) throws HttpError {
    String v = h.get(name);
    if (v == null || v.isBlank()) {
      return false;
    }
    v = v.trim();
    if (v.equalsIgnoreCase("true") || v.equals("1")) {
      return true;
    }
    if (v.equalsIgnoreCase("false") || v.equals("0")) {
      return false;
    }
    throw HttpError.badRequest(name + " must be true or false, was \"" + Texts.bounded(v) + "\"");
  }

  private static int number(String name, String value, int max) throws HttpError {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw HttpError.badRequest(
        name + " must be a number from 0 to " + max + ", was \"" + Texts.bounded(value) + "\"");
  }
}
