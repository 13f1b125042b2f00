package io.jrpcx.gateway;

import io.jrpcx.internal.NettyTls;
import io.jrpcx.server.ClientConnection;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/** An HTTP connection as plugins, the authenticator and services see the caller. */
final class HttpCaller implements ClientConnection {
  private final Channel channel;

  HttpCaller(Channel channel) {
    this.channel = channel;
  }

  /** The connection's event loop, where its requests are read and answered. */
  EventLoop eventLoop() {
    return channel.eventLoop();
  }

  @Override
  public SocketAddress remoteAddress() {
    return channel.remoteAddress();
  }

  @Override
  public SocketAddress localAddress() {
    return channel.localAddress();
  }

  @Override
  public boolean isActive() {
    return channel.isActive();
  }

  @Override
  public Optional<SSLSession> tlsSession() {
    return NettyTls.session(channel);
  }

  /** Always fails: HTTP answers requests, it has no way to deliver a message nobody asked for. */
  @Override
  public CompletableFuture<Void> send(
      String servicePath, String serviceMethod, Map<String, String> metadata, byte[] data) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(
            "cannot push to "
                + remoteAddress()
                + ": it is an HTTP gateway caller (server push needs an rpcx connection)"));
  }

  @Override
  public void close() {
    channel.close();
  }

  @Override
  public String toString() {
    return "HttpCaller[" + remoteAddress() + "]";
  }
}
