package io.jrpcx.gateway;

import io.jrpcx.protocol.Message;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What kind of failure an rpcx error response reports, read from the server's error texts. These
 * are rpcx's wire texts (Go clients see the same ones), so they are stable; anything else is the
 * service's own error.
 */
enum RpcxErrors {
  /** Unknown service or method. */
  NOT_FOUND(HttpResponseStatus.NOT_FOUND, -32601),
  /** The arguments did not decode, or no codec has the serialize type. */
  BAD_ARGUMENTS(HttpResponseStatus.BAD_REQUEST, -32602),
  /** A request rate limit refused the request. */
  RATE_LIMITED(HttpResponseStatus.TOO_MANY_REQUESTS, -32603),
  /** The server did not run the request: overloaded or shutting down. */
  UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE, -32603),
  /** The service (or a plugin) failed: the text is its error. */
  FAILED(HttpResponseStatus.INTERNAL_SERVER_ERROR, -32603);

  final HttpResponseStatus status;
  final int jsonRpcCode;

  RpcxErrors(HttpResponseStatus status, int jsonRpcCode) {
    this.status = status;
    this.jsonRpcCode = jsonRpcCode;
  }

  static RpcxErrors of(Message response, String text) {
    String path = response.servicePath();
    String method = response.serviceMethod();
    if (quotes(text, "rpcx: can't find service ", path, "")
        || quotes(text, "rpcx: can't find method ", method, "")) {
      return NOT_FOUND;
    }
    if (text.startsWith("rpcx: can't decode the args of " + path + "." + method + ": ")
        || text.startsWith(
            "rpcx: can't decode the args of " + clipped(path) + "." + clipped(method) + ": ")
        || text.equals("can not find codec for " + response.serializeType())) {
      return BAD_ARGUMENTS;
    }
    if (text.equals("request reached rate limit")) {
      return RATE_LIMITED;
    }
    if (text.startsWith("rpcx: server is overloaded or shutting down; ")
        || text.startsWith("rpcx: server is shutting down; ")) {
      return UNAVAILABLE;
    }
    return FAILED;
  }

  /**
   * Whether {@code text} is {@code before + name + after}, with the name whole or cut as a server
   * that bounds its texts cuts it.
   */
  private static boolean quotes(String text, String before, String name, String after) {
    return text.equals(before + name + after) || text.equals(before + clipped(name) + after);
  }

  /** {@code name} cut as the server cuts names in its texts (256 characters and a marker). */
  private static String clipped(String name) {
    return name.length() <= Texts.MAX_QUOTED
        ? name
        : name.substring(0, Texts.MAX_QUOTED) + "...(" + name.length() + " chars)";
  }

  /**
   * The error text of an error response, with an over-long service path or method in it (the
   * server's "can't find" texts quote them) cut to {@link Texts#MAX_QUOTED} characters. Classify
   * with {@link #of} on {@link #rawText} first: it compares the exact names.
   */
  static String text(Message response) {
    String text = rawText(response);
    String path = response.servicePath();
    String method = response.serviceMethod();
    if (path.length() > Texts.MAX_QUOTED) {
      text = text.replace(path, Texts.bounded(path));
    }
    if (method.length() > Texts.MAX_QUOTED) {
      text = text.replace(method, Texts.bounded(method));
    }
    return text;
  }

  /** The error text of an error response, as the server wrote it. */
  static String rawText(Message response) {
    String text = response.metadata(Message.ERROR_KEY);
    return text == null ? "rpcx: error response without an error text" : text;
  }
}
