package io.jrpcx.internal.quic;

import io.jrpcx.internal.NettyTransport;
import io.jrpcx.internal.Network;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.Quic;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The {@code quic} network: each rpcx connection is a QUIC connection carrying the rpcx byte
 * stream on the one bidirectional stream its client opens, inside TLS 1.3 with the ALPN protocol
 * {@code rpcx}, as Go's rpcx does over {@code smallnest/quick}. Listed in {@code
 * META-INF/services/io.jrpcx.internal.Network}, so {@code Server.start("quic", ...)}, {@code
 * Client.connect("quic", ...)} and XClient keys {@code quic@host:port} find it once this module
 * is on the class path.
 *
 * <p>A server needs a {@code TlsConfig} with key material. A client checks the server's
 * certificate against its {@code TlsConfig}'s trust material, or the JDK's trusted CAs without
 * one; only {@code TlsConfig.Builder.insecureTrustAll()} skips that (Go's quick client skips it
 * by default).
 *
 * <p>Everything above the stream (frame limits, the memory budget, frame and idle timeouts,
 * heartbeats, push) is the pipeline every network shares, run on the stream channel. The stream
 * ending closes its QUIC connection on either side, and a second stream on a connection is
 * refused. See {@link QuicDial} and {@link QuicListener}.
 */
public final class QuicNetwork extends Network {
  /**
   * How long a QUIC connection may see no packet before either side drops it: quic-go's default,
   * so a Go peer and a jrpcx peer agree. Heartbeats ({@code ClientOptions.heartbeat}) keep a quiet
   * connection alive.
   */
  static final long MAX_IDLE_SECONDS = 30;

  /**
   * The flow-control windows each side starts with (quiche widens them as the reader keeps up):
   * what a peer may send before the receiver reads, per connection and for its one stream.
   */
  static final long INITIAL_WINDOW = 4 << 20;

  /** Loaded by {@link java.util.ServiceLoader}. */
  public QuicNetwork() {
    super("quic");
  }

  @Override
  public boolean requiresTls() {
    return true;
  }

  @Override
  public boolean ownsTls() {
    return true;
  }

  @Override
  public ChannelFuture connect(Bootstrap b, SocketAddress remote, ClientSide side) {
    ensureAvailable();
    return QuicDial.dial(b, (InetSocketAddress) remote, side);
  }

  @Override
  public ChannelFuture bind(ServerBootstrap b, SocketAddress local, ServerSide side) {
    ensureAvailable();
    return QuicListener.bind(b, local, side);
  }

  /** The UDP socket class that fits the event loops core makes (epoll where it loads). */
  static Class<? extends DatagramChannel> datagramChannel() {
    return NettyTransport.isEpoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  static long maxIdleMillis() {
    return TimeUnit.SECONDS.toMillis(MAX_IDLE_SECONDS);
  }

  private static void ensureAvailable() {
    if (!Quic.isAvailable()) {
      throw new IllegalArgumentException(
          "network 'quic' needs Netty's native QUIC codec (io.netty:netty-codec-native-quic for "
              + "this platform; jrpcx-transport-quic brings linux-x86_64 and linux-aarch_64), "
              + "which did not load here: "
              + Quic.unavailabilityCause());
    }
  }
}
