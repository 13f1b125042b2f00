package io.jrpcx.protocol;

import io.jrpcx.RpcException;

/**
 * Bytes that are not a valid rpcx frame: wrong magic, a length outside the frame or above the
 * configured maximum, an unknown compress type, or a payload that inflates past the limit. The
 * connection that carried them cannot be trusted to be in sync any more and is closed.
 */
public class ProtocolException extends RpcException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
