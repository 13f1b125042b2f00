package io.jrpcx.internal.quic;

import io.jrpcx.TlsConfig;
import io.jrpcx.internal.Network;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelPromise;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A client's QUIC connection: its own UDP socket, the QUIC handshake (TLS 1.3, ALPN {@code
 * rpcx}, the server's certificate checked for the dialled host), then the one bidirectional
 * stream, on which the client's rpcx pipeline (core's bootstrap handler) runs. The stream, the
 * QUIC connection and the socket live and die together: the end of any one closes the others.
 */
final class QuicDial {
  private QuicDial() {}

  /**
   * Dials {@code remote}; the future succeeds once the stream is open, its channel then being the
   * stream, or fails within {@code side}'s handshake timeout, everything made so far closed.
   */
  static ChannelFuture dial(Bootstrap core, InetSocketAddress remote, Network.ClientSide side) {
    TlsConfig tls = side.tlsConfig();
    QuicSslContext ssl = QuicTls.clientContext(tls);
    String host = tls.serverName().orElse(remote.getHostString());
    ChannelHandler codec =
        new QuicClientCodecBuilder()
            // Made for this peer, so SNI names it and its certificate is checked against it.
            .sslEngineProvider(q -> ssl.newEngine(q.alloc(), host, remote.getPort()))
            .maxIdleTimeout(QuicNetwork.maxIdleMillis(), TimeUnit.MILLISECONDS)
            .initialMaxData(QuicNetwork.INITIAL_WINDOW)
            .initialMaxStreamDataBidirectionalLocal(QuicNetwork.INITIAL_WINDOW)
            // The server opens no stream to a client.
            .initialMaxStreamsBidirectional(0)
            .initialMaxStreamsUnidirectional(0)
            .build();
    ChannelFuture bound =
        new Bootstrap()
            .group(core.config().group())
            .channel(QuicNetwork.datagramChannel())
            .handler(codec)
            .bind(new InetSocketAddress(0));
    Channel udp = bound.channel();
    StreamPromise done = new StreamPromise(udp);
    long timeoutMillis = side.handshakeTimeout().toMillis();
    var timer =
        udp.eventLoop()
            .schedule(
                () ->
                    fail(
                        done,
                        udp,
                        // Not Netty's ConnectTimeoutException: a ConnectException, which
                        // callers take for a refusal.
                        new SocketTimeoutException(
                            "the QUIC handshake with "
                                + side.address()
                                + " did not complete within the connect timeout of "
                                + side.handshakeTimeout())),
                timeoutMillis,
                TimeUnit.MILLISECONDS);
    done.addListener(f -> timer.cancel(false));
    bound.addListener(
        (ChannelFuture b) -> {
          if (!b.isSuccess()) {
            fail(done, udp, b.cause());
            return;
          }
          QuicChannel.newBootstrap(udp)
              .handler(new ClosesSocket(udp))
              .streamHandler(RefuseStreams.INSTANCE)
              .remoteAddress(remote)
              .connect()
              .addListener(
                  q -> {
                    if (!q.isSuccess()) {
                      fail(done, udp, handshakeFailure(side.address(), q.cause()));
                      return;
                    }
                    QuicChannel quic = (QuicChannel) q.getNow();
                    if (done.isDone()) {
                      quic.close(); // timed out meanwhile
                      return;
                    }
                    quic.createStream(
                            QuicStreamType.BIDIRECTIONAL, new ClientStream(core.config().handler()))
                        .addListener(
                            s -> {
                              if (!s.isSuccess()) {
                                fail(done, quic, s.cause());
                                return;
                              }
                              QuicStreamChannel stream = (QuicStreamChannel) s.getNow();
                              stream.closeFuture().addListener(c -> quic.close());
                              done.stream = stream;
                              if (!done.trySuccess()) {
                                stream.close();
                              }
                            });
                  });
        });
    return done;
  }

  private static void fail(StreamPromise done, Channel toClose, Throwable cause) {
    if (done.tryFailure(cause)) {
      toClose.close();
    }
  }

  /** A failed QUIC handshake, said the way a TLS failure on tcp is. */
  private static Throwable handshakeFailure(String address, Throwable cause) {
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return new IOException(
            "TLS handshake with "
                + address
                + " failed: "
                + (c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName()),
            cause);
      }
    }
    return cause;
  }

  /**
   * The dial's future. Its channel is the UDP socket until the stream exists and the stream after:
   * the caller goes on with the channel its handler was run on, as with a TCP connect.
   */
  static final class StreamPromise extends DefaultChannelPromise {
    private volatile Channel stream;

    StreamPromise(Channel udp) {
      super(udp, udp.eventLoop());
    }

    @Override
    public Channel channel() {
      Channel s = stream;
      return s != null ? s : super.channel();
    }
  }

  /** The client's pipeline (core's) on its stream, which ends at the server's FIN. */
  private static final class ClientStream extends ChannelInitializer<QuicStreamChannel> {
    private final ChannelHandler pipeline;

    ClientStream(ChannelHandler pipeline) {
      this.pipeline = pipeline;
    }

    @Override
    protected void initChannel(QuicStreamChannel stream) {
      // As EOF on tcp; Netty keeps a stream open after the peer's FIN by default.
      stream.config().setAllowHalfClosure(false);
      stream.pipeline().addLast(pipeline);
    }
  }

  /** Closes the client's UDP socket with its QUIC connection: one socket per connection. */
  private static final class ClosesSocket extends ChannelInboundHandlerAdapter {
    private final Channel udp;

    ClosesSocket(Channel udp) {
      this.udp = udp;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      // Later, not now: this may run inside the socket's read loop, which would then read a
      // closed socket.
      udp.eventLoop().execute(udp::close);
      ctx.fireChannelInactive();
    }

    /** The handshake's failure reaches the dial's future; any error ends the connection. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Streams a server opens are refused: rpcx has the client open the only one. */
  @ChannelHandler.Sharable
  static final class RefuseStreams extends ChannelInboundHandlerAdapter {
    static final RefuseStreams INSTANCE = new RefuseStreams();

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }
}
