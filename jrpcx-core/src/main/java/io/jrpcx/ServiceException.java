package io.jrpcx;

import java.util.Map;

/**
 * An error answered by the remote service: the response carried status {@code Error} and the text
 * in metadata {@code __rpcx_error__}.
 *
 * <p>Service handlers may throw it to answer with exactly {@link #getMessage()} as the error text.
 * {@link #of(String, String, Map)} adds a machine-readable {@link #code()} and {@link #details()},
 * sent in the jrpcx metadata keys {@code __rpcx_error_code__} and {@code __rpcx_error_details__}
 * next to the unchanged rpcx text, so a Go peer sees the same error it always did. Errors without
 * a code behave as rpcx's plain text errors.
 */
public class ServiceException extends RpcException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final Map<String, String> details;

  public ServiceException(String message) {
    super(message);
    this.code = null;
    this.details = Map.of();
  }

  public ServiceException(String message, Throwable cause) {
    super(message, cause);
    this.code = null;
    this.details = Map.of();
  }

  /**
   * An error with a code and details, for subclasses; the cause stays unset so that {@link
   * #initCause} can still set it.
   *
   * @param code the error code, or null for the code of the class's {@link RpcError}, if any
   * @param details the details, or null for none; copied
   */
  protected ServiceException(String code, String message, Map<String, String> details) {
    super(message);
    if (code != null && code.isEmpty()) {
      throw new IllegalArgumentException("an error code is not empty; use null for none");
    }
    this.code = code;
    this.details = details == null ? Map.of() : Map.copyOf(details);
  }

  /**
   * An error with {@code message} as rpcx's error text, a {@code code} a caller can dispatch on
   * and {@code details} (e.g. the id that was not found), for a service to throw.
   *
   * @param code not empty; null for none
   * @param details may be null or empty; neither keys nor values may be null
   */
  public static ServiceException of(String code, String message, Map<String, String> details) {
    return new ServiceException(code, message, details);
  }

  /**
   * The error code: the one this error was built or received with, else that of its class's
   * {@link RpcError} annotation; null when it has none.
   */
  public String code() {
    if (code != null) {
      return code;
    }
    RpcError ann = getClass().getAnnotation(RpcError.class);
    return ann == null ? null : ann.code();
  }

  /**
   * The details, empty when there are none; unmodifiable. A string map rather than a string or an
   * object: like rpcx's metadata it carries the few fields a caller acts on (an id, a limit)
   * without a codec, so any peer in any language can read them, and it cannot make a caller
   * deserialize types the server chose.
   */
  public Map<String, String> details() {
    return details;
  }

  @Override
  public boolean isServiceError() {
    return true;
  }
}
