package io.jrpcx.server;

import io.jrpcx.protocol.Message;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Where a {@link ServerCall}'s request came from and where its outcome goes: a TCP connection
 * ({@link ServerConnection}) encodes the response into a frame and writes it; a call another
 * protocol on the port handed to {@link Server#dispatch} ({@link DispatchedCaller}) gets the
 * response message itself.
 */
interface Caller extends ClientConnection {

  /** Runs the call's deadline timer. */
  ScheduledExecutorService timer();

  /**
   * Sends {@code response} to the caller, then runs {@code onSent} with null or the failure.
   * {@code refused} says the authenticator refused the request.
   */
  void respond(Message request, Message response, boolean refused, Consumer<Throwable> onSent);

  /**
   * Called once when a call this caller started ends (answered, dropped or refused), with the
   * bytes of the server's memory budget its request held.
   */
  default void callFinished(long charge) {}
}
