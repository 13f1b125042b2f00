package io.jrpcx.internal.quic;

import io.jrpcx.internal.Network;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.bootstrap.ServerBootstrapConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's QUIC listener: one UDP socket on which every QUIC connection lives. Each connection
 * passes the server's accept guard (its connection limits) with its first bidirectional stream,
 * which then gets the server's connection pipeline (core's child handler); later streams are
 * refused and leave the first alone. The stream ending closes its connection.
 *
 * <p>Closing the listener stops new connections at once but keeps the socket for the connections
 * still open, so a graceful shutdown can answer the calls in flight, as a TCP server's accepted
 * sockets outlive its listening one; the socket closes with the last connection, or when the
 * server stops its network threads.
 */
final class QuicListener {
  private static final Logger log = LoggerFactory.getLogger(QuicListener.class);

  /** Set on a stream the connection refuses; its initializer closes it instead. */
  private static final AttributeKey<Boolean> REFUSED =
      AttributeKey.valueOf(QuicListener.class, "refused");

  private final ChannelHandler acceptGuard;
  private final ChannelHandler connectionPipeline;

  /**
   * Open QUIC connections; read and written on the socket's event loop only (Netty registers a
   * QUIC connection on its socket's loop).
   */
  private int open;

  /** Whether the listener was closed: new connections are refused. Event loop only. */
  private boolean stopped;

  private QuicListener(ChannelHandler acceptGuard, ChannelHandler connectionPipeline) {
    this.acceptGuard = acceptGuard;
    this.connectionPipeline = connectionPipeline;
  }

  /** Binds a UDP socket to {@code local} serving QUIC with the server's TLS settings. */
  static ChannelFuture bind(ServerBootstrap core, SocketAddress local, Network.ServerSide side) {
    if (side.tlsConfig() == null) {
      throw new IllegalArgumentException(
          "network 'quic' needs TLS: Server.builder().tls(TlsConfig...) with the server's "
              + "certificate and key");
    }
    QuicSslContext ssl = QuicTls.serverContext(side.tlsConfig());
    ServerBootstrapConfig config = core.config();
    QuicListener listener = new QuicListener(config.handler(), config.childHandler());
    QuicServerCodecBuilder codec =
        new QuicServerCodecBuilder()
            .sslContext(ssl)
            .maxIdleTimeout(QuicNetwork.maxIdleMillis(), TimeUnit.MILLISECONDS)
            .initialMaxData(QuicNetwork.INITIAL_WINDOW)
            .initialMaxStreamDataBidirectionalRemote(QuicNetwork.INITIAL_WINDOW)
            // One stream per connection, opened by the client; nothing unidirectional.
            .initialMaxStreamsBidirectional(1)
            .initialMaxStreamsUnidirectional(0)
            // No token handler: no Retry round trip (as quic-go's default); quiche still limits
            // what an unvalidated address is sent to three times what it sent.
            .handler(listener.new Connection())
            .streamHandler(listener.new Streams());
    for (Map.Entry<ChannelOption<?>, Object> e : config.childOptions().entrySet()) {
      streamOption(codec, e.getKey(), e.getValue());
    }
    return new Bootstrap()
        .group(config.childGroup())
        .channel(QuicNetwork.datagramChannel())
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(listener.new StopOnClose(), codec.build());
              }
            })
        .bind(local);
  }

  @SuppressWarnings("unchecked")
  private static <T> void streamOption(
      QuicServerCodecBuilder codec, ChannelOption<T> option, Object value) {
    codec.streamOption(option, (T) value);
  }

  /**
   * Closing the listener: new connections are refused from now on, and the socket closes once no
   * connection is left (at once when none is open). The close is reported done at once either
   * way: the listener is closed; the socket outlives it only for the connections it carries.
   */
  private final class StopOnClose extends ChannelOutboundHandlerAdapter {
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      if (stopped || open == 0) {
        stopped = true;
        ctx.close(promise);
        return;
      }
      stopped = true;
      promise.setSuccess();
    }
  }

  /** Each new QUIC connection: counted, refused after the listener closed, gated to one stream. */
  private final class Connection extends ChannelInitializer<QuicChannel> {
    @Override
    protected void initChannel(QuicChannel quic) {
      if (stopped) {
        quic.close();
        return;
      }
      open++;
      quic.closeFuture()
          .addListener(
              f -> {
                if (--open == 0 && stopped) {
                  // Later, not now: this may run inside the socket's read loop, which would then
                  // read a closed socket.
                  Channel socket = quic.parent();
                  socket.eventLoop().execute(socket::close);
                }
              });
      quic.pipeline().addLast(new OneStream());
    }
  }

  /**
   * Lets a connection's first bidirectional stream through the server's accept guard, which
   * counts it against the connection limits; every other stream is refused. A connection whose
   * stream the guard refused is closed: it has nothing else to carry.
   */
  private final class OneStream extends ChannelInboundHandlerAdapter {
    private boolean taken;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (!(msg instanceof QuicStreamChannel stream)) {
        ctx.fireChannelRead(msg);
        return;
      }
      if (taken || stream.type() != QuicStreamType.BIDIRECTIONAL) {
        log.debug(
            "refusing stream {} of QUIC connection {}: rpcx carries one stream per connection",
            stream.streamId(),
            ctx.channel());
        stream.attr(REFUSED).set(true);
        ctx.fireChannelRead(stream);
        return;
      }
      taken = true;
      // What the stream's own address cannot say: who the peer is (for the per-address limit,
      // ClientConnection.remoteAddress) and the TLS session (ClientConnection.tlsSession).
      QuicChannel quic = (QuicChannel) ctx.channel();
      stream.attr(Network.PEER_ADDRESS).set(quic.remoteSocketAddress());
      stream.attr(Network.TLS_SESSION).set(quic.sslEngine().getSession());
      // The guard passes the stream on (Netty then registers it) or closes it there and then.
      ((ChannelInboundHandler) acceptGuard).channelRead(ctx, stream);
      if (!stream.isRegistered()) {
        ctx.close();
      }
    }

    /**
     * A failed QUIC handshake (a client without the certificate mutual TLS asks for, say) or a
     * connection error: the connection closes. Logged at debug, as tcp's failed TLS handshakes:
     * what a peer sends must not fill the log.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      QuicChannel quic = (QuicChannel) ctx.channel();
      log.debug("QUIC connection from {} failed", quic.remoteSocketAddress(), cause);
      ctx.close();
    }
  }

  /** Each admitted stream gets the server's connection pipeline; its end ends the connection. */
  private final class Streams extends ChannelInitializer<QuicStreamChannel> {
    @Override
    protected void initChannel(QuicStreamChannel stream) {
      if (Boolean.TRUE.equals(stream.attr(REFUSED).get())) {
        stream.close();
        return;
      }
      // The peer's FIN ends the connection, as EOF does on tcp (Netty keeps such a stream open
      // by default, for protocols that answer after the request's end).
      stream.config().setAllowHalfClosure(false);
      QuicChannel quic = stream.parent();
      stream.closeFuture().addListener(f -> quic.close());
      stream.pipeline().addLast(connectionPipeline);
    }
  }
}
