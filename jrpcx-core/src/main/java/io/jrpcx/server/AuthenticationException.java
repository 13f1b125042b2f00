package io.jrpcx.server;

import io.jrpcx.ServiceException;

/**
 * The server's {@link Authenticator} refused a request; the message is the authenticator's text.
 * A {@link Server#dispatch dispatched} request that is refused completes with it, so that its
 * protocol can answer accordingly (the HTTP gateway answers 401).
 */
public final class AuthenticationException extends ServiceException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }
}
