package io.jrpcx.server;

import io.jrpcx.ConnectionException;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameDecoder;
import io.jrpcx.internal.FrameWriter;
import io.jrpcx.internal.NettyTls;
import io.jrpcx.internal.Network;
import io.jrpcx.internal.ReadGate;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/** The server's side of one accepted connection: its channel and the writer all replies share. */
final class ServerConnection implements Caller {
  /** Responses above this are replaced by an "overloaded" error when the budget is spent. */
  private static final int LARGE_RESPONSE = 64 * 1024;

  final Channel channel;
  private final Server server;
  private final FrameWriter writer;
  private final FrameDecoder.ConnectionMemory held;

  /** Calls of this connection started and not finished. */
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Set when the connection is to close once its calls are answered. */
  private volatile boolean closing;

  ServerConnection(Server server, Channel channel, FrameDecoder.ConnectionMemory held) {
    this.server = server;
    this.channel = channel;
    this.writer = new FrameWriter(channel);
    this.held = held;
  }

  void callStarted() {
    inFlight.incrementAndGet();
  }

  @Override
  public void callFinished(long charge) {
    release(charge);
    if (inFlight.decrementAndGet() == 0 && closing) {
      closeWhenFlushed();
    }
  }

  /** Gives back what a request of this connection held of the memory budget. */
  void release(long charge) {
    if (charge > 0) {
      held.remove(charge);
      server.memory.release(charge);
    }
  }

  /**
   * Stops reading and closes the connection once the calls already read are answered (at most
   * {@code graceSeconds} later): bad bytes after good requests cost the peer the connection, not
   * the answers it was owed.
   */
  void closeAfterAnswers(long graceSeconds) {
    closing = true;
    ReadGate.of(channel).pause(ReadGate.CLOSING);
    if (inFlight.get() == 0) {
      closeWhenFlushed();
    } else {
      channel
          .eventLoop()
          .schedule(
              () -> {
                channel.close();
              },
              graceSeconds,
              TimeUnit.SECONDS);
    }
  }

  private void closeWhenFlushed() {
    // Behind any answer the writer has queued on the event loop.
    channel
        .eventLoop()
        .execute(
            () ->
                channel
                    .writeAndFlush(Unpooled.EMPTY_BUFFER)
                    .addListener(ChannelFutureListener.CLOSE));
  }

  /**
   * Hands {@code frame} to the writer with its bytes counted in the memory budget until written.
   */
  private void writeCounted(ByteBuf frame, Consumer<Throwable> onWritten) {
    server.memory.forceReserve(frame.readableBytes());
    writeReserved(frame, onWritten);
  }

  /** Hands {@code frame}, whose bytes are already reserved, to the writer; released once written. */
  private void writeReserved(ByteBuf frame, Consumer<Throwable> onWritten) {
    int size = frame.readableBytes();
    writer.write(
        frame,
        error -> {
          server.memory.release(size);
          if (onWritten != null) {
            onWritten.accept(error);
          }
        });
  }

  @Override
  public SocketAddress remoteAddress() {
    return Network.peerAddress(channel);
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
      done.completeExceptionally(
          new ConnectionException(
              "cannot push to " + remoteAddress() + ": " + ConnectionException.SHUT_DOWN));
      return done;
    }
    if (PortSharing.servesOtherProtocol(channel)) {
      done.completeExceptionally(PortSharing.noPush(this));
      return done;
    }
    if (writer.isBacklogged()) {
      // The peer is not reading: queueing more would only hold memory for it.
      done.completeExceptionally(
          new ConnectionException(
              "cannot push to "
                  + remoteAddress()
                  + ": it has not read what is already queued for it (above the high watermark of "
                  + channel.config().getWriteBufferHighWaterMark()
                  + " bytes)"));
      return done;
    }
    Message push =
        new Message()
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
    writeCounted(
        frame,
        error -> {
          server.plugins.postWriteRequest(this, push, error);
          if (error == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(
                new ConnectionException("push to " + remoteAddress() + " failed: " + error, error));
          }
        });
    return done;
  }

  @Override
  public ScheduledExecutorService timer() {
    return channel.eventLoop();
  }

  @Override
  public void respond(
      Message request, Message response, boolean refused, Consumer<Throwable> onSent) {
    ByteBuf frame;
    try {
      frame = server.frameCodec.encode(response, writer.alloc());
      if (frame.readableBytes() > LARGE_RESPONSE
          && !server.memory.tryReserveSmall(frame.readableBytes())) {
        // A large answer the budget cannot hold is shed; a small one is always counted.
        frame.release();
        frame =
            errorFrame(
                request,
                "rpcx: server is overloaded; the response of " + target(request) + " was dropped");
      } else if (frame.readableBytes() > LARGE_RESPONSE) {
        writeReserved(frame, onSent);
        return;
      }
    } catch (ProtocolException e) {
      frame =
          errorFrame(
              request,
              "rpcx: the response of "
                  + target(request)
                  + " cannot be sent: "
                  + Texts.clip(e.getMessage()));
    } catch (OutOfMemoryError e) {
      server.networkThreadError();
      frame =
          errorFrame(
              request,
              "rpcx: server is overloaded; the response of " + target(request) + " was dropped");
    }
    writeCounted(frame, onSent);
  }

  /** A bare error response: no metadata of the request's, so it always fits in a frame. */
  private ByteBuf errorFrame(Message request, String text) {
    Message error =
        request
            .newResponse()
            .setStatusType(Message.STATUS_ERROR)
            .putMetadata(Message.ERROR_KEY, text);
    return server.frameCodec.encode(error, writer.alloc());
  }

  private static String target(Message request) {
    return Texts.clip(request.servicePath()) + "." + Texts.clip(request.serviceMethod());
  }

  /**
   * Encodes and writes one message; {@code onWritten} gets null or the failure.
   *
   * @throws ProtocolException when the frame would exceed the maximum message length; nothing is
   *     written then
   */
  void write(Message message, Consumer<Throwable> onWritten) {
    writeCounted(server.frameCodec.encode(message, writer.alloc()), onWritten);
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
