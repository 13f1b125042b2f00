package io.jrpcx;

/**
 * The node's circuit breaker is open: recent calls to it failed, so this call was not sent. Like
 * any connection failure it may be retried on another node; it is not counted by the breaker.
 */
public class BreakerOpenException extends ConnectionException {
  private static final long serialVersionUID = 1L;

  public BreakerOpenException(String message) {
    super(message);
  }
}
