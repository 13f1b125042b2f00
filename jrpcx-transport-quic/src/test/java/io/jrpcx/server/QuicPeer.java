package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A hand-driven QUIC peer: Netty's QUIC client with ALPN {@code rpcx} that opens a stream and
 * then writes whatever a test says, for tests that must send what no well-behaved client would.
 * Every wait is bounded by {@link #READ_TIMEOUT}.
 */
final class QuicPeer implements AutoCloseable {
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  /** What a stream's collector queues when the stream ended. */
  private static final byte[] END = new byte[0];

  private final EventLoopGroup group;
  private final Channel udp;
  final QuicChannel quic;
  final QuicStreamChannel stream;
  private final BlockingQueue<byte[]> in;
  private final ByteArrayOutputStream buffered = new ByteArrayOutputStream();
  private boolean ended;

  private QuicPeer(
      EventLoopGroup group,
      Channel udp,
      QuicChannel quic,
      QuicStreamChannel stream,
      BlockingQueue<byte[]> in) {
    this.group = group;
    this.udp = udp;
    this.quic = quic;
    this.stream = stream;
    this.in = in;
  }

  /** A QUIC connection to {@code hostPort} (any certificate accepted) with one stream open. */
  static QuicPeer connect(String hostPort) {
    return connect(hostPort, "rpcx");
  }

  /** As {@link #connect(String)}, offering the ALPN protocol {@code alpn}. */
  static QuicPeer connect(String hostPort, String alpn) {
    int colon = hostPort.lastIndexOf(':');
    InetSocketAddress remote =
        new InetSocketAddress(
            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      QuicSslContext ssl =
          QuicSslContextBuilder.forClient()
              .trustManager(InsecureTrustManagerFactory.INSTANCE)
              .applicationProtocols(alpn)
              .build();
      ChannelHandler codec =
          new QuicClientCodecBuilder()
              .sslContext(ssl)
              .maxIdleTimeout(30, TimeUnit.SECONDS)
              .initialMaxData(32 << 20)
              .initialMaxStreamDataBidirectionalLocal(32 << 20)
              .build();
      Channel udp =
          new Bootstrap()
              .group(group)
              .channel(NioDatagramChannel.class)
              .handler(codec)
              .bind(new InetSocketAddress(0))
              .sync()
              .channel();
      QuicChannel quic =
          await(
              QuicChannel.newBootstrap(udp)
                  .streamHandler(new ChannelInboundHandlerAdapter())
                  .remoteAddress(remote)
                  .connect());
      BlockingQueue<byte[]> in = new LinkedBlockingQueue<>();
      QuicStreamChannel stream =
          await(quic.createStream(QuicStreamType.BIDIRECTIONAL, new Collector(in)));
      return new QuicPeer(group, udp, quic, stream, in);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /**
   * Opens another bidirectional stream on the same connection and writes {@code bytes} on it;
   * returns its collected input, or null when the stream could not even be opened.
   */
  BlockingQueue<byte[]> openAnotherStream(byte[] bytes) {
    BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    Future<QuicStreamChannel> f =
        quic.createStream(QuicStreamType.BIDIRECTIONAL, new Collector(queue));
    if (!f.awaitUninterruptibly(READ_TIMEOUT.toMillis()) || !f.isSuccess()) {
      return null;
    }
    f.getNow().writeAndFlush(Unpooled.wrappedBuffer(bytes));
    return queue;
  }

  /** Writes {@code bytes} on the stream as they are. */
  void send(byte[] bytes) {
    stream.writeAndFlush(Unpooled.wrappedBuffer(bytes)).awaitUninterruptibly();
  }

  /** Reads and decodes the next frame the server sent on the stream. */
  Message readMessage() {
    byte[] header = readFully(FrameCodec.HEADER_LENGTH);
    int totalLen = ByteBuffer.wrap(header).getInt(12);
    byte[] frame = new byte[FrameCodec.HEADER_LENGTH + totalLen];
    System.arraycopy(header, 0, frame, 0, header.length);
    byte[] body = readFully(totalLen);
    System.arraycopy(body, 0, frame, header.length, totalLen);
    return RawRpcxSocket.CODEC.decode(frame);
  }

  /**
   * Waits for the server to end the stream and returns the bytes it sent first; fails when the
   * stream is still open after {@link #READ_TIMEOUT}.
   */
  byte[] awaitClosedByServer() {
    while (!ended) {
      take();
    }
    byte[] rest = buffered.toByteArray();
    buffered.reset();
    return rest;
  }

  /** Whether the QUIC connection (not only the stream) is closed within {@link #READ_TIMEOUT}. */
  boolean connectionClosed() {
    return quic.closeFuture().awaitUninterruptibly(READ_TIMEOUT.toMillis());
  }

  private byte[] readFully(int n) {
    while (buffered.size() < n) {
      if (ended) {
        throw new AssertionError("the server ended the stream instead of answering");
      }
      take();
    }
    byte[] all = buffered.toByteArray();
    buffered.reset();
    buffered.write(all, n, all.length - n);
    byte[] out = new byte[n];
    System.arraycopy(all, 0, out, 0, n);
    return out;
  }

  private void take() {
    byte[] next;
    try {
      next = in.poll(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (next == null) {
      throw new AssertionError("nothing from the server within " + READ_TIMEOUT);
    }
    if (next == END) {
      ended = true;
    } else {
      buffered.write(next, 0, next.length);
    }
  }

  @Override
  public void close() {
    quic.close().awaitUninterruptibly(READ_TIMEOUT.toMillis());
    udp.close().awaitUninterruptibly(READ_TIMEOUT.toMillis());
    assertThat(group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(5000))
        .isTrue();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("QUIC peer: " + e, e);
    }
  }

  /** Copies a stream's bytes into a queue (releasing each buffer) and marks its end. */
  static final class Collector extends ChannelInboundHandlerAdapter {
    private final BlockingQueue<byte[]> queue;

    Collector(BlockingQueue<byte[]> queue) {
      this.queue = queue;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        try {
          byte[] bytes = new byte[buf.readableBytes()];
          buf.readBytes(bytes);
          queue.add(bytes);
        } finally {
          buf.release();
        }
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      queue.add(END);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
