package io.jrpcx.client.selector;

import io.jrpcx.Context;

/**
 * One selection, rpcx's {@code SelectFunc}: what a {@link io.jrpcx.client.ClientPlugin.WrapSelect}
 * plugin wraps. Returns the chosen node's key, or null for none.
 */
@FunctionalInterface
public interface SelectFunction {
  String select(Context ctx, String servicePath, String serviceMethod, Object args);
}
