package io.jrpcx;

/**
 * The root of every error a jrpcx call can end with.
 *
 * <p>The subclasses say who failed, which is what retry decisions need: a {@link ServiceException}
 * came from the remote service and is never retried; a {@link ConnectionException} means the
 * transport failed and another attempt may succeed; a {@link DeadlineExceededException} means the
 * caller's own deadline passed.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RpcException(String message) {
    super(message);
  }

  public RpcException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the error was produced by the remote service (rpcx's {@code IsServiceError()}):
   * such errors reached a live server and are never retried.
   */
  public boolean isServiceError() {
    return false;
  }
}
