package io.jrpcx.client;

import io.jrpcx.Context;
import io.jrpcx.client.selector.SelectFunction;
import io.jrpcx.protocol.Message;

/**
 * A client plugin: any object implementing one or more of the nested hook interfaces, rpcx's
 * client plugin points in Java form. Pass plugins to {@link ClientOptions.Builder#plugin}; hooks
 * run in the order the plugins were added.
 *
 * <p>Go's {@code ConnCreated} may wrap the connection; Java plugins observe it and may refuse it.
 */
public interface ClientPlugin {

  /**
   * A call started (caller's thread), before PreCall and before the client checks that it can
   * send it; the place to keep state per call, such as a timer or a tracing span. {@code request}
   * is the message that will be sent, with the context's metadata but no payload yet: metadata
   * added here, such as a trace context, goes out with it. {@code call.done()} completes exactly
   * once whatever happens next (sent or refused, answered, failed, timed out or cancelled), so a
   * callback attached to it ends the per-call state. {@code address} is the node's address as
   * given to {@link Client#connect}. Runs for each attempt of an {@link XClient} call.
   * Exceptions are logged only: observing a call never fails it.
   */
  interface CallStarted extends ClientPlugin {
    void callStarted(Call<?> call, Message request, String address) throws Exception;
  }

  /** Before each call is sent (caller's thread). Throwing fails the call with that exception. */
  interface PreCall extends ClientPlugin {
    void preCall(Context ctx, String servicePath, String serviceMethod, Object args)
        throws Exception;
  }

  /**
   * After each call completed (the thread that completed it, often a network thread: do not
   * block). {@code error} is null on success. Exceptions are logged only.
   */
  interface PostCall extends ClientPlugin {
    void postCall(
        Context ctx,
        String servicePath,
        String serviceMethod,
        Object args,
        Object reply,
        Throwable error)
        throws Exception;
  }

  /** A connection was established (caller's thread). Throwing closes it and fails connect. */
  interface ConnectionCreated extends ClientPlugin {
    void connectionCreated(String network, String address) throws Exception;
  }

  /** A connection could not be established (caller's thread). Exceptions are logged only. */
  interface ConnectionCreateFailed extends ClientPlugin {
    void connectionCreateFailed(String network, String address, Throwable cause) throws Exception;
  }

  /** The connection closed, for whatever reason (network thread). Exceptions are logged only. */
  interface ConnectionClosed extends ClientPlugin {
    void connectionClosed(String network, String address) throws Exception;
  }

  /**
   * A request is about to be encoded; it may be changed (caller's thread). Exceptions are logged
   * only, as in rpcx.
   */
  interface BeforeEncode extends ClientPlugin {
    void beforeEncode(Message request) throws Exception;
  }

  /**
   * An inbound frame was decoded; it may be changed (network thread). Exceptions are logged only,
   * as in rpcx.
   */
  interface AfterDecode extends ClientPlugin {
    void afterDecode(Message message) throws Exception;
  }

  /**
   * Wraps every node selection of an {@link XClient}, rpcx's {@code WrapSelect}: return a function
   * that may skip, replace or observe what {@code next} selects. Called once when the plugin is
   * installed; the returned function runs on every selection and must be thread-safe.
   */
  interface WrapSelect extends ClientPlugin {
    SelectFunction wrapSelect(SelectFunction next);
  }
}
