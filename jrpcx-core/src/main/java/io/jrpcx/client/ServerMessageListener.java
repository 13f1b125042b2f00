package io.jrpcx.client;

import io.jrpcx.protocol.Message;

/**
 * Receives messages a server pushes to this client (rpcx's server-to-client messages: oneway
 * requests, usually with serialize type none). Called on the connection's network thread in the
 * order the messages arrived: hand work that blocks to another thread.
 */
@FunctionalInterface
public interface ServerMessageListener {

  void onMessage(Message message);

  /**
   * The connection ended; no more messages will arrive from it. {@code cause} is null when this
   * client closed it.
   */
  default void onConnectionClosed(String remoteAddress, Throwable cause) {}
}
