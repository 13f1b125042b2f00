package io.jrpcx;

/**
 * The transport failed: the connection could not be made, was closed, reset or shut down, or a
 * frame could not be written. The call may or may not have reached the server; idempotent calls
 * may be retried elsewhere.
 */
public class ConnectionException extends RpcException {
  private static final long serialVersionUID = 1L;

  /** The message Go rpcx uses for calls failed by a closed client ({@code ErrShutdown}). */
  public static final String SHUT_DOWN = "connection is shut down";

  public ConnectionException(String message) {
    super(message);
  }

  public ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
