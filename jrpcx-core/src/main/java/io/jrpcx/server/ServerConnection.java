package io.jrpcx.server;

import io.jrpcx.ConnectionException;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.jrpcx.transport.FrameWriter;
import io.jrpcx.transport.NettyTls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/** The server's side of one accepted connection: its channel and the writer all replies share. */
final class ServerConnection implements Caller {
  final Channel channel;
  private final Server server;
  private final FrameWriter writer;

  ServerConnection(Server server, Channel channel) {
    this.server = server;
    this.channel = channel;
    this.writer = new FrameWriter(channel);
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

  @Override
  public CompletableFuture<Void> send(
      String servicePath, String serviceMethod, Map<String, String> metadata, byte[] data) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!channel.isActive()) {
      done.completeExceptionally(new ConnectionException(
          "cannot push to " + remoteAddress() + ": " + ConnectionException.SHUT_DOWN));
      return done;
    }
    if (PortSharing.servesOtherProtocol(channel)) {
      done.completeExceptionally(PortSharing.noPush(this));
      return done;
    }
    Message push = new Message()
        .setOneway(true)
        .setSerializeType(SerializeType.NONE)
        .setSeq(server.nextPushSeq())
        .setServicePath(servicePath)
        .setServiceMethod(serviceMethod)
        .setPayload(data);
    if (metadata != null) {
      push.setMetadata(metadata);
    }
    ByteBuf frame;
    try {
      server.plugins.preWriteRequest(this, push);
      frame = server.frameCodec.encode(push, writer.alloc());
    } catch (Exception e) {
      done.completeExceptionally(e);
      return done;
    }
    writer.write(frame, error -> {
      server.plugins.postWriteRequest(this, push, error);
      if (error == null) {
        done.complete(null);
      } else {
        done.completeExceptionally(new ConnectionException(
            "push to " + remoteAddress() + " failed: " + error, error));
      }
    });
    return done;
  }

  @Override
  public ScheduledExecutorService timer() {
    return channel.eventLoop();
  }

  @Override
  public void respond(Message request, Message response, boolean refused,
      Consumer<Throwable> onSent) {
    ByteBuf frame;
    try {
      frame = server.frameCodec.encode(response, writer.alloc());
    } catch (ProtocolException e) {
      Message tooLarge = request.newResponse().setStatusType(Message.STATUS_ERROR)
          .putMetadata(Message.ERROR_KEY, "rpcx: the response of " + request.servicePath() + "."
              + request.serviceMethod() + " cannot be sent: " + e.getMessage());
      frame = server.frameCodec.encode(tooLarge, writer.alloc());
    }
    writer.write(frame, onSent);
  }

  /**
   * Encodes and writes one message; {@code onWritten} gets null or the failure.
   *
   * @throws ProtocolException when the frame would exceed the maximum message length; nothing is
   *     written then
   */
  void write(Message message, Consumer<Throwable> onWritten) {
    writer.write(server.frameCodec.encode(message, writer.alloc()), onWritten);
  }

  @Override
  public void close() {
    channel.close();
  }

  @Override
  public String toString() {
    return "ClientConnection[" + remoteAddress() + "]";
  }
}
