package io.jrpcx.client;

import io.jrpcx.RpcException;

/**
 * One node's outcome of {@link XClient#inform}: the node, and either its reply or its own error
 * (rpcx's {@code Receipt}, except that Go puts the shared aggregate error in every receipt).
 *
 * @param key the node, {@code network@address}
 * @param reply the node's reply, or null when it failed
 * @param error the node's error, or null when it answered
 */
public record Receipt<T>(String key, T reply, RpcException error) {

  /** The node's address without the network, as rpcx's receipts give it. */
  public String address() {
    int at = key.indexOf('@');
    return at < 0 ? key : key.substring(at + 1);
  }

  /** Whether the node answered without error. */
  public boolean isSuccess() {
    return error == null;
  }
}
