package io.jrpcx.server;

import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * A client connected to a {@link Server}, as services and plugins see it. Obtained from
 * {@link ServerContext#connection()}, plugin hooks or {@link Server#activeConnections()}.
 */
public interface ClientConnection {

  SocketAddress remoteAddress();

  SocketAddress localAddress();

  /** Whether the connection is still open. */
  boolean isActive();

  /**
   * The TLS session of the connection, empty when it is plaintext. With mutual TLS,
   * {@link SSLSession#getPeerPrincipal()} names the client's certificate, e.g. to authorise
   * callers.
   */
  default Optional<SSLSession> tlsSession() {
    return Optional.empty();
  }

  /**
   * Pushes a message to this client, rpcx's {@code Server.SendMessage}: a oneway request with
   * serialize type none carrying {@code data} as its payload. The client never answers it. The
   * future completes once the frame is handed to the socket, or fails when it cannot be, with a
   * {@link io.jrpcx.ConnectionException}: the connection is closed, or its peer has not read
   * what is already queued for it (outbound bytes above the server's high watermark, see
   * {@code Server.Builder.writeBufferWaterMarks}), so a push never queues without bound.
   */
  CompletableFuture<Void> send(
      String servicePath, String serviceMethod, Map<String, String> metadata, byte[] data);

  /** Closes the connection. In-flight calls on it end with a connection error at the client. */
  void close();
}
