package io.jrpcx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A call sent to several nodes at once (an XClient's broadcast or fork) failed on some of them:
 * {@link #errors()} holds each failed node's own error, by node key.
 */
public class MultiNodeException extends RpcException {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, RpcException> errors;

  public MultiNodeException(String message, Map<String, RpcException> errors) {
    super(message + ": " + describe(errors));
    this.errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    errors.values().forEach(this::addSuppressed);
  }

  /** Each failed node's error, keyed by {@code network@address}, in the order they failed. */
  public Map<String, RpcException> errors() {
    return errors;
  }

  private static String describe(Map<String, RpcException> errors) {
    StringBuilder sb = new StringBuilder();
    errors.forEach(
        (node, e) -> {
          if (sb.length() > 0) {
            sb.append("; ");
          }
          sb.append(node).append(": ").append(e.getMessage());
        });
    return sb.toString();
  }
}
