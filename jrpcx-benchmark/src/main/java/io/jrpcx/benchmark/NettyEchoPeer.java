package io.jrpcx.benchmark;

import io.jrpcx.internal.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ceiling: plain Netty (the same epoll transport as jrpcx), frames of a 4-byte length and
 * the bytes, echoed by the server with one flush per read burst; the client too flushes once per
 * burst of calls. No RPC layer and no serialization: for the message workload the client sends
 * the message's protobuf encoding, made once, and checks only the echoed length.
 */
final class NettyEchoPeer {
  private static final int MAX_FRAME = 64 << 20;

  private NettyEchoPeer() {}

  /**
   * Length-prefixed frames, each copied out of the read buffer. Netty's default hands out slices
   * of it, and while a slice is still queued for writing (a large echo) every following read must
   * copy the whole buffer: quadratic in the bytes in flight, 30 MB/s for 1 MB frames.
   */
  private static final class Frames extends LengthFieldBasedFrameDecoder {
    Frames() {
      super(MAX_FRAME, 0, 4, 0, 4);
    }

    @Override
    protected ByteBuf extractFrame(
        ChannelHandlerContext ctx, ByteBuf buffer, int index, int length) {
      ByteBuf frame = ctx.alloc().buffer(length);
      frame.writeBytes(buffer, index, length);
      return frame;
    }
  }

  @ChannelHandler.Sharable
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg); // the frame goes back out through the length prepender
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  static PeerServer startServer() throws IOException {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    EventLoopGroup group = NettyTransport.newEventLoopGroup(threads, "netty-echo");
    Echo echo = new Echo();
    LengthFieldPrepender prepender = new LengthFieldPrepender(4);
    Channel server;
    try {
      server =
          new ServerBootstrap()
              .group(group)
              .channel(NettyTransport.serverChannel("tcp"))
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(new Frames(), prepender, echo);
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully();
      throw e;
    }
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    return new PeerServer() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully();
      }
    };
  }

  static PeerClient connect(String host, int port, int connections, Workload workload)
      throws Exception {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    EventLoopGroup group = NettyTransport.newEventLoopGroup(threads, "netty-echo-client");
    LengthFieldPrepender prepender = new LengthFieldPrepender(4);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NettyTransport.clientChannel("tcp"))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new Frames(), prepender, new Replies());
                  }
                });
    try {
      List<Channel> channels =
          Parallel.open(connections, i -> b.connect(host, port).sync().channel(), Channel::close);
      return new EchoClient(group, channels.toArray(new Channel[0]), workload);
    } catch (Exception e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  /**
   * Matches replies to calls: the server answers in order, so each connection keeps a FIFO of
   * waiting calls, touched only on its event loop.
   */
  private static final class Replies extends SimpleChannelInboundHandler<ByteBuf> {
    final ArrayDeque<Pending> waiting = new ArrayDeque<>();

    /** A flush is queued on the event loop: writes until it runs share it. */
    boolean flushQueued;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      Pending p = waiting.poll();
      if (p == null) {
        ctx.close();
        return;
      }
      if (frame.readableBytes() == p.length) {
        p.future.complete(null);
      } else {
        p.future.completeExceptionally(
            PeerClient.wrongReply(frame.readableBytes() + " bytes for " + p.length));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      IOException closed = new IOException("connection closed");
      for (Pending p; (p = waiting.poll()) != null; ) {
        p.future.completeExceptionally(closed);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private record Pending(int length, CompletableFuture<Void> future) {}

  private static final class EchoClient implements PeerClient {
    private final EventLoopGroup group;
    private final Channel[] channels;
    private final Replies[] replies;
    private final AtomicInteger next = new AtomicInteger();
    private final byte[] payload;

    EchoClient(EventLoopGroup group, Channel[] channels, Workload workload) {
      this.group = group;
      this.channels = channels;
      this.replies = new Replies[channels.length];
      for (int i = 0; i < channels.length; i++) {
        replies[i] = channels[i].pipeline().get(Replies.class);
      }
      this.payload =
          workload.isMessage()
              ? GoogleMessage1.filled().toProto().toByteArray()
              : BenchMessages.bytes(workload.size());
    }

    @Override
    public CompletableFuture<?> call() {
      int i = Math.floorMod(next.getAndIncrement(), channels.length);
      Channel ch = channels[i];
      Pending p = new Pending(payload.length, new CompletableFuture<>());
      if (ch.eventLoop().inEventLoop()) {
        send(ch, replies[i], p);
      } else {
        ch.eventLoop().execute(() -> send(ch, replies[i], p));
      }
      return p.future;
    }

    private void send(Channel ch, Replies replies, Pending p) {
      if (!ch.isActive()) {
        p.future.completeExceptionally(new IOException("connection closed"));
        return;
      }
      replies.waiting.add(p);
      ch.write(Unpooled.wrappedBuffer(payload), ch.voidPromise());
      if (!replies.flushQueued) {
        // Calls started in the same event-loop turn (replies completing in a burst start the
        // next ones) leave in one flush, after that turn.
        replies.flushQueued = true;
        ch.eventLoop()
            .execute(
                () -> {
                  replies.flushQueued = false;
                  ch.flush();
                });
      }
    }

    @Override
    public void close() {
      for (Channel ch : channels) {
        ch.close().syncUninterruptibly();
      }
      group.shutdownGracefully().syncUninterruptibly();
    }
  }
}
