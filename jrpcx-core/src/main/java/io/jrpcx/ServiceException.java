package io.jrpcx;

/**
 * An error answered by the remote service: the response carried status {@code Error} and the text
 * in metadata {@code __rpcx_error__}.
 *
 * <p>Service handlers may throw it to answer with exactly {@link #getMessage()} as the error text.
 */
public class ServiceException extends RpcException {
  private static final long serialVersionUID = 1L;

  public ServiceException(String message) {
    super(message);
  }

  public ServiceException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isServiceError() {
    return true;
  }
}
