package io.jrpcx;

/** The caller's deadline passed before the answer arrived. Never retried. */
public class DeadlineExceededException extends RpcException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message) {
    super(message);
  }
}
