package io.jrpcx.gateway;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the gateway refuses before it reaches the server: the status and why. */
final class HttpError extends Exception {
  private static final long serialVersionUID = 1L;

  final transient HttpResponseStatus status;

  HttpError(HttpResponseStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static HttpError badRequest(String message) {
    return new HttpError(HttpResponseStatus.BAD_REQUEST, message);
  }
}
