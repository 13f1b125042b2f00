package io.jrpcx.server;

import io.jrpcx.Context;
import io.jrpcx.Deadline;
import io.jrpcx.protocol.Message;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a service method knows about the call it serves: the caller's deadline (from
 * {@code __ServerTimeout}), the request metadata, the connection it came on, and the response
 * metadata it may add.
 *
 * <p>Declare it as the first parameter of a service method to receive it; declare
 * {@link io.jrpcx.Context} instead when the method only needs the deadline and metadata.
 */
public final class ServerContext {
  private final ClientConnection connection;
  private final Message request;
  private final Deadline deadline;
  private volatile Map<String, String> responseMetadata;

  ServerContext(ClientConnection connection, Message request, Deadline deadline) {
    this.connection = connection;
    this.request = request;
    this.deadline = deadline;
  }

  /** The caller's deadline, or null when the caller set none. */
  public Deadline deadline() {
    return deadline;
  }

  /** The request metadata, unmodifiable. */
  public Map<String, String> metadata() {
    return request.metadata();
  }

  public String servicePath() {
    return request.servicePath();
  }

  public String serviceMethod() {
    return request.serviceMethod();
  }

  /** The connection of the caller; use it to push messages back to that client. */
  public ClientConnection connection() {
    return connection;
  }

  public SocketAddress remoteAddress() {
    return connection.remoteAddress();
  }

  /**
   * Metadata to send with the response; add entries to it. Thread-safe, so an asynchronous method
   * may fill it from another thread before completing its future.
   */
  public Map<String, String> responseMetadata() {
    Map<String, String> m = responseMetadata;
    if (m == null) {
      synchronized (this) {
        m = responseMetadata;
        if (m == null) {
          m = Collections.synchronizedMap(new LinkedHashMap<>());
          responseMetadata = m;
        }
      }
    }
    return m;
  }

  /**
   * A client {@link Context} carrying this call's deadline, for calls this method makes to other
   * services on the caller's behalf.
   */
  public Context asContext() {
    return Context.background().withDeadline(deadline);
  }

  /**
   * The request message, for plugins: its identity is the same in every hook that sees the
   * request ({@link ServerPlugin.PostReadRequest} to {@link ServerPlugin.PostWriteResponse}), so
   * a plugin can key per-call state by it. Services should not change it.
   */
  public Message request() {
    return request;
  }

  /** Response metadata if any was added, else null; avoids creating the map. */
  Map<String, String> responseMetadataIfAny() {
    return responseMetadata;
  }

  /** The {@link Context} handed to methods that declare {@code Context}. */
  Context toMethodContext() {
    Context c = Context.background().withDeadline(deadline);
    return request.metadata().isEmpty() ? c : c.withMetadata(request.metadata());
  }
}
