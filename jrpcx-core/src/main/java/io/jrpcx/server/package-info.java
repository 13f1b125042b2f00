/**
 * Serving rpcx services.
 *
 * <p>Start with {@link io.jrpcx.server.Server}: its javadoc lists the method shapes it serves, the
 * errors callers get and the lifecycle. A service method sees its call through
 * {@link io.jrpcx.server.ServerContext}; {@link io.jrpcx.server.ClientConnection} is a connected
 * client, to push messages to. {@link io.jrpcx.server.ServerPlugin} holds the hooks plugins
 * implement and {@link io.jrpcx.server.Authenticator} checks tokens.
 *
 * <p>A request travels: {@code FrameDecoder} (bytes to message, on the network thread) to
 * {@code ServerHandler} (heartbeats echoed there, everything else handed to the handler executor)
 * to {@code ServerCall} (auth, lookup, decode, method, encode, one response). Before all of them
 * sits {@code ConnectionGuard} (write backpressure, the idle and write stall timeouts), and on
 * the listener's own thread {@code ConnectionLimits} counts every connection accepted.
 */
package io.jrpcx.server;
