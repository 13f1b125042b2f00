package io.jrpcx.server;

import io.jrpcx.ServiceException;
import io.jrpcx.protocol.Message;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/**
 * A request another protocol on the port handed to {@link Server#dispatch}: it takes the path a
 * request read from an rpcx connection takes ({@link ServerHandler}, then {@link ServerCall}), and
 * its response completes a future instead of being written as a frame. Plugins, the authenticator
 * and services see it as the protocol's {@link ClientConnection}.
 */
final class DispatchedCaller implements Caller {
  private final ClientConnection from;
  private final ScheduledExecutorService timer;
  private final CompletableFuture<Message> response = new CompletableFuture<>();

  private DispatchedCaller(ClientConnection from, ScheduledExecutorService timer) {
    this.from = from;
    this.timer = timer;
  }

  /** See {@link Server#dispatch}. */
  static CompletionStage<Message> dispatch(Server server, ClientConnection from, Message request) {
    DispatchedCaller caller = new DispatchedCaller(from, server.timer());
    if (server.draining()) {
      return answered(
          request,
          error(request, "rpcx: server is shutting down; " + target(request) + " was not run"));
    }
    try {
      ServiceException rejected = server.plugins.postReadRequest(caller, request);
      if (rejected != null) {
        return answered(request, error(request, rejected.getMessage()));
      }
    } catch (Exception e) {
      // An rpcx connection would be closed: the protocol decides what its connection does.
      return CompletableFuture.failedFuture(e);
    }
    if (request.isHeartbeat()) {
      server.plugins.heartbeat(caller, request);
      Message echo = request.newResponse().setPayload(request.payload());
      request.metadata().forEach(echo::putMetadata);
      return answered(request, echo);
    }
    server.callStarted();
    try {
      server.executor.execute(new ServerCall(server, caller, request));
    } catch (RejectedExecutionException e) {
      server.callFinished();
      return answered(
          request,
          error(
              request,
              "rpcx: server is overloaded or shutting down; " + target(request) + " was not run"));
    }
    return request.isOneway() ? CompletableFuture.completedFuture(null) : caller.response;
  }

  private static CompletionStage<Message> answered(Message request, Message response) {
    return CompletableFuture.completedFuture(request.isOneway() ? null : response);
  }

  private static Message error(Message request, String text) {
    return request
        .newResponse()
        .setStatusType(Message.STATUS_ERROR)
        .putMetadata(Message.ERROR_KEY, text);
  }

  private static String target(Message request) {
    return Texts.clip(request.servicePath()) + "." + Texts.clip(request.serviceMethod());
  }

  @Override
  public ScheduledExecutorService timer() {
    return timer;
  }

  @Override
  public void respond(
      Message request, Message response, boolean refused, Consumer<Throwable> onSent) {
    if (refused) {
      this.response.completeExceptionally(
          new AuthenticationException(response.metadata(Message.ERROR_KEY)));
    } else {
      this.response.complete(response);
    }
    // The protocol queued its answer on its connection in the completion above, so the call is
    // finished here, and a shutdown that closes connections next closes them behind that answer.
    onSent.accept(null);
  }

  @Override
  public SocketAddress remoteAddress() {
    return from.remoteAddress();
  }

  @Override
  public SocketAddress localAddress() {
    return from.localAddress();
  }

  @Override
  public boolean isActive() {
    return from.isActive();
  }

  @Override
  public Optional<SSLSession> tlsSession() {
    return from.tlsSession();
  }

  @Override
  public CompletableFuture<Void> send(
      String servicePath, String serviceMethod, Map<String, String> metadata, byte[] data) {
    return from.send(servicePath, serviceMethod, metadata, data);
  }

  /**
   * Does nothing: the protocol owns its connection. rpcx closes a connection whose request failed
   * authentication; a protocol such as HTTP authorises each request and keeps the connection.
   */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return from.toString();
  }
}
