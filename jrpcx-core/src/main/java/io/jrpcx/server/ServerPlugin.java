package io.jrpcx.server;

import io.jrpcx.protocol.Message;

/**
 * A server plugin: any object implementing one or more of the nested hook interfaces, rpcx's
 * server plugin points in Java form. Pass plugins to {@link Server.Builder#plugin}; hooks run in
 * the order the plugins were added. A hook runs on the thread named in its javadoc: hooks marked
 * "event loop" must not block.
 *
 * <p>Go's {@code PreReadRequest} has no equivalent: frames are decoded as bytes arrive, there is no
 * moment "before reading the next request" to hook. Use {@link PostReadRequest}.
 */
public interface ServerPlugin {

  /**
   * Sees services come and go; registry plugins write and remove registry entries here.
   * {@link #unregister} runs for every service when the server shuts down, before in-flight calls
   * are drained, so that clients stop choosing this server first.
   */
  interface Register extends ServerPlugin {
    void register(String serviceName, Object service, String metadata) throws Exception;

    void unregister(String serviceName) throws Exception;

    /**
     * The server is listening at {@code network@address} ({@code address} as {@link
     * Server#address()} gives it, the real port when it was started on port 0). Runs on the thread
     * that called {@link Server#start}, once, after the bind; registry plugins without a service
     * address of their own register here what they were given before. Throwing makes {@code
     * start} fail and close the server.
     */
    default void listening(String network, String address) throws Exception {}
  }

  /** A new connection was accepted (event loop). Returning false closes it at once. */
  interface PostConnAccept extends ServerPlugin {
    boolean connectionAccepted(ClientConnection connection);
  }

  /** A connection closed (event loop). */
  interface PostConnClose extends ServerPlugin {
    void connectionClosed(ClientConnection connection);
  }

  /**
   * A request frame was decoded (event loop). Throwing a {@link io.jrpcx.ServiceException} answers
   * the request with that error (unless it is oneway) and keeps the connection, which is how a
   * request rate limiter rejects; any other exception closes the connection.
   */
  interface PostReadRequest extends ServerPlugin {
    void postReadRequest(ClientConnection connection, Message request) throws Exception;
  }

  /** A heartbeat arrived and is about to be echoed (event loop). */
  interface Heartbeat extends ServerPlugin {
    void heartbeat(ClientConnection connection, Message request);
  }

  /**
   * Before the service method runs (handler executor). Returns the arguments to pass on, possibly
   * replaced; throwing answers the call with the exception's message as a service error.
   */
  interface PreCall extends ServerPlugin {
    Object preCall(ServerContext ctx, Object args) throws Exception;
  }

  /**
   * Wraps the run of the service method on the thread that runs it (handler executor), for state
   * bound to that thread such as a tracing context the method's own spans should nest under.
   * {@code enter} runs after the PreCall hooks, right before the method; what it returns (null for
   * nothing) is closed on the same thread as soon as the method returns. For an asynchronous
   * method that is when it has returned its {@link java.util.concurrent.CompletionStage}, not when
   * that completes. Exceptions are logged only.
   */
  interface AroundMethod extends ServerPlugin {
    AutoCloseable enter(ServerContext ctx) throws Exception;
  }

  /**
   * After the service method completed (the thread that completed it). Returns the reply to send,
   * possibly replaced. {@code error} is the method's failure or null. Throwing turns a successful
   * call into a service error; it never replaces the method's own error.
   */
  interface PostCall extends ServerPlugin {
    Object postCall(ServerContext ctx, Object args, Object reply, Throwable error) throws Exception;
  }

  /** A response is about to be encoded and written (any thread). Exceptions are logged only. */
  interface PreWriteResponse extends ServerPlugin {
    void preWriteResponse(ClientConnection connection, Message request, Message response)
        throws Exception;
  }

  /**
   * A response was handed to the socket, or failed to be ({@code error} not null) (event loop).
   * Exceptions are logged only.
   */
  interface PostWriteResponse extends ServerPlugin {
    void postWriteResponse(
        ClientConnection connection, Message request, Message response, Throwable error)
        throws Exception;
  }

  /** A server push message is about to be written (caller's thread). Throwing cancels the push. */
  interface PreWriteRequest extends ServerPlugin {
    void preWriteRequest(ClientConnection connection, Message push) throws Exception;
  }

  /** A server push message was written or failed (event loop). Exceptions are logged only. */
  interface PostWriteRequest extends ServerPlugin {
    void postWriteRequest(ClientConnection connection, Message push, Throwable error)
        throws Exception;
  }
}
