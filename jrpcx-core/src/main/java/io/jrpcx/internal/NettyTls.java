package io.jrpcx.internal;

import io.jrpcx.TlsConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link TlsConfig} into Netty's {@link SslContext} and {@link SslHandler}, and TLS
 * failures into one-line reasons for error messages and logs.
 *
 * <p>The handler always goes first in the pipeline, so every other handler sees plaintext.
 */
public final class NettyTls {
  private static final Logger log = LoggerFactory.getLogger(NettyTls.class);

  /** Pipeline name of the TLS handler. */
  public static final String HANDLER_NAME = "tls";

  // Every Client of an XClient shares one ClientOptions and so one TlsConfig: build its context
  // once. Weak keys, so a config dropped by the user does not pin its context.
  private static final Map<TlsConfig, SslContext> CLIENT_CONTEXTS =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The client settings used where TLS is mandatory but none was configured ({@code wss}): the
   * JDK's trusted certificates and host name checks, as Go's client without a TLS config.
   */
  public static final TlsConfig DEFAULT_CLIENT = TlsConfig.builder().build();

  private NettyTls() {}

  /**
   * A server context for {@code config}.
   *
   * @throws IllegalArgumentException when the config has no key material or Netty refuses it
   */
  public static SslContext serverContext(TlsConfig config) {
    if (config.keyManagerFactory().isEmpty()) {
      throw new IllegalArgumentException(
          "a TLS server needs key material: "
              + "TlsConfig.builder().keyManager(certChain, privateKey)");
    }
    SslContextBuilder b =
        SslContextBuilder.forServer(config.keyManagerFactory().get())
            .clientAuth(clientAuth(config.clientAuth()));
    return build(config, b, "server");
  }

  /**
   * The client context for {@code config}, built on first use and shared after.
   *
   * @throws IllegalArgumentException when Netty refuses the config
   */
  public static SslContext clientContext(TlsConfig config) {
    SslContext ctx = CLIENT_CONTEXTS.get(config);
    if (ctx == null) {
      SslContextBuilder b =
          SslContextBuilder.forClient()
              // Netty runs the JDK's (or OpenSSL's) check of the certificate's names against the
              // peer host given to newHandler; null turns it off.
              .endpointIdentificationAlgorithm(config.hostnameVerification() ? "HTTPS" : null);
      config.keyManagerFactory().ifPresent(b::keyManager);
      ctx = build(config, b, "client");
      SslContext raced = CLIENT_CONTEXTS.putIfAbsent(config, ctx);
      if (raced != null) {
        ctx = raced;
      }
    }
    return ctx;
  }

  /**
   * What checks the peer's certificate under {@code config}: its trust material, Netty's
   * trust-all (with a warning naming {@code what}, e.g. "TLS client") when the config asks for
   * it, or empty for the JDK's trusted CAs. Shared by TCP's TLS and QUIC's.
   */
  public static Optional<TrustManagerFactory> peerTrust(TlsConfig config, String what) {
    if (config.isInsecureTrustAll()) {
      log.warn(
          "{} accepts any peer certificate (TlsConfig.insecureTrustAll): "
              + "for tests and development only",
          what);
      return Optional.of(InsecureTrustManagerFactory.INSTANCE);
    }
    return config.trustManagerFactory();
  }

  private static SslContext build(TlsConfig config, SslContextBuilder b, String side) {
    peerTrust(config, "TLS " + side).ifPresent(b::trustManager);
    b.protocols(config.protocols());
    try {
      return b.build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS for the " + side + " with " + config + ": " + e.getMessage(), e);
    }
  }

  /** Adds the server's TLS handler in front of {@code ch}'s pipeline. */
  public static void addServerHandler(Channel ch, SslContext ctx, Duration handshakeTimeout) {
    SslHandler h = ctx.newHandler(ch.alloc());
    h.setHandshakeTimeout(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    ch.pipeline().addFirst(HANDLER_NAME, h);
  }

  /**
   * Adds the client's TLS handler in front of {@code ch}'s pipeline. {@code peerHost} is the name
   * the server's certificate must carry and the SNI sent.
   */
  public static void addClientHandler(
      Channel ch, SslContext ctx, String peerHost, int peerPort, Duration handshakeTimeout) {
    SslHandler h = ctx.newHandler(ch.alloc(), peerHost, peerPort);
    h.setHandshakeTimeout(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    ch.pipeline().addFirst(HANDLER_NAME, h);
  }

  /**
   * When {@code handshakeFailure} is because the peer sent no TLS at all (a plaintext rpcx
   * client), answers with a TLS alert record before the connection closes. A plaintext rpcx
   * client then fails on a first byte that says "TLS" ({@link FrameDecoder} names it) instead of
   * on a bare end of stream.
   */
  public static void answerPlaintextPeer(Channel ch, Throwable handshakeFailure) {
    if (!(unwrap(handshakeFailure) instanceof NotSslRecordException)) {
      return;
    }
    ChannelHandlerContext tls = ch.pipeline().context(HANDLER_NAME);
    if (tls != null && ch.isActive()) {
      // Written from the TLS handler's own context, so it bypasses the (failed) engine.
      tls.writeAndFlush(Unpooled.wrappedBuffer(UNEXPECTED_MESSAGE_ALERT));
    }
  }

  /** A TLS record: alert (21), version 3.3, length 2, fatal (2), unexpected_message (10). */
  private static final byte[] UNEXPECTED_MESSAGE_ALERT = {21, 3, 3, 0, 2, 2, 10};

  /** The TLS session of {@code ch}, empty when the connection is plaintext. */
  public static java.util.Optional<javax.net.ssl.SSLSession> session(Channel ch) {
    SslHandler tls = handler(ch);
    return tls == null
        // A network with TLS of its own (quic) leaves its session on the channel.
        ? java.util.Optional.ofNullable(ch.attr(Network.TLS_SESSION).get())
        : java.util.Optional.of(tls.engine().getSession());
  }

  /** {@code ch}'s TLS handler, or null when the connection is plaintext. */
  public static SslHandler handler(Channel ch) {
    return (SslHandler) ch.pipeline().get(HANDLER_NAME);
  }

  /** Whether {@code t} (or what it wraps) is a TLS failure rather than a plain I/O error. */
  public static boolean isTlsFailure(Throwable t) {
    Throwable c = unwrap(t);
    return c instanceof SSLException;
  }

  /**
   * One line saying why TLS failed, for messages like "TLS handshake with host:port failed:
   * <i>reason</i>". Netty's own texts dump the offending bytes or say nothing useful.
   */
  public static String reason(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof NotSslRecordException) {
      return "the peer does not speak TLS (a plaintext rpcx peer?)";
    }
    if (c instanceof SslHandshakeTimeoutException) {
      return "handshake timed out";
    }
    if (c instanceof ClosedChannelException) {
      return "the peer closed the connection during the handshake (does it serve TLS?)";
    }
    String text = c.getMessage();
    return text != null ? text : c.getClass().getSimpleName();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c instanceof DecoderException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static ClientAuth clientAuth(TlsConfig.ClientAuth auth) {
    switch (auth) {
      case OPTIONAL:
        return ClientAuth.OPTIONAL;
      case REQUIRE:
        return ClientAuth.REQUIRE;
      default:
        return ClientAuth.NONE;
    }
  }
}
