package io.jrpcx.server;

import io.jrpcx.protocol.Message;

/**
 * Checks the auth token of every request, rpcx's {@code Server.AuthFunc}. The token is the
 * request's {@code __AUTH} metadata, or null when absent. Heartbeats are not checked.
 *
 * <p>Runs on the handler executor, so it may block. When it throws, the caller receives the
 * exception's message as an error response (none for oneway calls) and the connection is then
 * closed, as rpcx does.
 */
@FunctionalInterface
public interface Authenticator {
  void authenticate(ClientConnection connection, Message request, String token) throws Exception;
}
