package io.jrpcx.internal.quic;

import io.jrpcx.TlsConfig;
import io.jrpcx.internal.NettyTls;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Turns a {@link TlsConfig} into the TLS 1.3 context QUIC runs inside its own handshake (BoringSSL,
 * not the JDK's engine), offering and accepting the ALPN protocol {@value #ALPN}, as Go's rpcx
 * does over {@code smallnest/quick}.
 */
final class QuicTls {

  /** The one application protocol a jrpcx or Go rpcx QUIC peer offers. */
  static final String ALPN = "rpcx";

  // Every Client of an XClient shares one TlsConfig: build its context once. Weak keys, so a
  // config dropped by the user does not pin its context.
  private static final Map<TlsConfig, QuicSslContext> CLIENT_CONTEXTS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private QuicTls() {}

  /**
   * A server context for {@code config}.
   *
   * @throws IllegalArgumentException when the config has no key material, leaves TLS 1.3 out or
   *     BoringSSL refuses it
   */
  static QuicSslContext serverContext(TlsConfig config) {
    if (config.keyManagerFactory().isEmpty()) {
      throw new IllegalArgumentException(
          "a QUIC server needs key material: "
              + "TlsConfig.builder().keyManager(certChain, privateKey)");
    }
    checkTls13(config);
    QuicSslContextBuilder b =
        QuicSslContextBuilder.forServer(config.keyManagerFactory().get(), null)
            .clientAuth(clientAuth(config.clientAuth()));
    return build(config, b, "server");
  }

  /**
   * The client context for {@code config}, built on first use and shared after.
   *
   * @throws IllegalArgumentException when the config leaves TLS 1.3 out or BoringSSL refuses it
   */
  static QuicSslContext clientContext(TlsConfig config) {
    QuicSslContext ctx = CLIENT_CONTEXTS.get(config);
    if (ctx == null) {
      checkTls13(config);
      QuicSslContextBuilder b =
          QuicSslContextBuilder.forClient()
              // Checked against the peer host each engine is made for (see QuicDial); null is off.
              .endpointIdentificationAlgorithm(config.hostnameVerification() ? "HTTPS" : null);
      config.keyManagerFactory().ifPresent(kmf -> b.keyManager(kmf, null));
      ctx = build(config, b, "client");
      QuicSslContext raced = CLIENT_CONTEXTS.putIfAbsent(config, ctx);
      if (raced != null) {
        ctx = raced;
      }
    }
    return ctx;
  }

  private static QuicSslContext build(TlsConfig config, QuicSslContextBuilder b, String side) {
    NettyTls.peerTrust(config, "QUIC " + side).ifPresent(b::trustManager);
    b.applicationProtocols(ALPN);
    try {
      return b.build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot set up QUIC TLS for the " + side + " with " + config + ": " + e.getMessage(), e);
    }
  }

  /** QUIC is TLS 1.3 only (RFC 9001); a config restricted to older versions cannot be honoured. */
  private static void checkTls13(TlsConfig config) {
    if (!config.protocols().contains("TLSv1.3")) {
      throw new IllegalArgumentException(
          "QUIC runs TLSv1.3 only, but the TlsConfig enables " + config.protocols());
    }
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
