package io.jrpcx.transport.kcp;

import io.jrpcx.internal.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A KCP session without the rpcx client on top, for tests that send the server arbitrary bytes:
 * what {@code RawRpcxSocket} is on tcp. Public for the server-package tests of this module.
 */
public final class RawKcpClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;
  private final LinkedBlockingQueue<byte[]> source;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  private RawKcpClient(EventLoopGroup group, Channel channel, LinkedBlockingQueue<byte[]> source) {
    this.group = group;
    this.channel = channel;
    this.source = source;
  }

  /** A session to {@code hostPort} with the rpcx examples' key; nothing is sent yet. */
  public static RawKcpClient connect(String hostPort) {
    return connect(hostPort, null);
  }

  /** A session to {@code hostPort} from {@code local} (null: any port). */
  public static RawKcpClient connect(String hostPort, InetSocketAddress local) {
    EventLoopGroup group = NettyTransport.newEventLoopGroup(1, "raw-kcp");
    LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    String[] hp = hostPort.split(":");
    Channel ch =
        new Bootstrap()
            .group(group)
            .channelFactory(() -> new KcpChannel(KcpTestSupport.CONFIG))
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    byte[] bytes = new byte[b.readableBytes()];
                    b.readBytes(bytes);
                    b.release();
                    queue.add(bytes);
                  }
                })
            .connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), local)
            .syncUninterruptibly()
            .channel();
    return new RawKcpClient(group, ch, queue);
  }

  /** The client's UDP address: the server's {@code remoteAddress()} of this session. */
  public SocketAddress localAddress() {
    return channel.localAddress();
  }

  /** Sends {@code bytes} on the session's stream. */
  public void send(byte[] bytes) {
    channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
  }

  /** Reads one rpcx frame (header and body) within 5 seconds. */
  public byte[] readFrame() {
    byte[] header = readExactly(16);
    int total = ByteBuffer.wrap(header).getInt(12);
    byte[] frame = new byte[16 + total];
    System.arraycopy(header, 0, frame, 0, 16);
    System.arraycopy(readExactly(total), 0, frame, 16, total);
    return frame;
  }

  private byte[] readExactly(int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (pending.size() < n) {
      long left = deadline - System.nanoTime();
      byte[] next;
      try {
        next = left <= 0 ? null : source.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (next == null) {
        throw new AssertionError("no " + n + " bytes from the server within 5 s");
      }
      pending.writeBytes(next);
    }
    byte[] all = pending.toByteArray();
    pending.reset();
    pending.write(all, n, all.length - n);
    return java.util.Arrays.copyOf(all, n);
  }

  @Override
  public void close() {
    if (group.isShuttingDown()) {
      return;
    }
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
