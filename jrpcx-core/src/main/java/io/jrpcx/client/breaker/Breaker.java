package io.jrpcx.client.breaker;

/**
 * A circuit breaker guarding one server node.
 *
 * <p>A client asks {@link #ready()} before it sends a call (or dials) to the node, and reports every
 * outcome that says something about the node's health: {@link #fail()} for transport failures
 * (refused or reset connections, write failures, a connection lost mid-call) and timeouts,
 * {@link #success()} for every answer the node gave, including service errors, because a node
 * that answers with an error is alive. Unlike Go rpcx, whose breaker only ever sees dial failures,
 * jrpcx reports the outcome of every call.
 *
 * <p>Implementations must be thread-safe: one breaker is shared by every call to its node.
 *
 * @see RateBreaker the breaker jrpcx clients use by default
 * @see ConsecutiveBreaker Go rpcx's consecutive-failure breaker
 */
public interface Breaker {

  /**
   * Returns whether a call may be sent to the node now. When the breaker is half-open this returns
   * {@code true} for the single probe call and {@code false} for everyone else until the probe's
   * outcome is reported.
   */
  boolean ready();

  /** Records that the node answered. */
  void success();

  /** Records a transport failure or a timeout. */
  void fail();
}
