package io.jrpcx;

/**
 * A payload could not be encoded or decoded by its codec, or no codec exists for its serialize
 * type. Like Go rpcx, which reports reply-decode failures as service errors, it is never retried:
 * another attempt would fail the same way.
 */
public class CodecException extends RpcException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isServiceError() {
    return true;
  }
}
