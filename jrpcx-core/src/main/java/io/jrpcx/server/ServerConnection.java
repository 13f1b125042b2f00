package io.jrpcx.server;

import io.jrpcx.ConnectionException;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.jrpcx.transport.FrameWriter;
import io.jrpcx.transport.NettyTls;
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
    byte[] frame;
    try {
      server.plugins.preWriteRequest(this, push);
      frame = server.frameCodec.encode(push);
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
    byte[] frame;
    try {
      frame = server.frameCodec.encode(response);
    } catch (ProtocolException e) {
      Message tooLarge = request.newResponse().setStatusType(Message.STATUS_ERROR)
          .putMetadata(Message.ERROR_KEY, "rpcx: the response of " + request.servicePath() + "."
              + request.serviceMethod() + " cannot be sent: " + e.getMessage());
      frame = server.frameCodec.encode(tooLarge);
    }
    writer.write(frame, onSent);
  }

  /** Writes an encoded frame; {@code onWritten} gets null or the failure. */
  void write(byte[] frame, Consumer<Throwable> onWritten) {
    writer.write(frame, onWritten);
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
