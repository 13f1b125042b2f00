package io.jrpcx.transfer;

import io.jrpcx.TlsConfig;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the blocking side-channel sockets from the same {@link TlsConfig} the rpcx connection
 * uses (which Netty applies to its channels): same key and trust material, protocols, client
 * authentication and host name check.
 */
final class JdkTls {
  private JdkTls() {}

  static SSLContext context(TlsConfig config) {
    try {
      KeyManager[] km =
          config.keyManagerFactory().map(KeyManagerFactory::getKeyManagers).orElse(null);
      TrustManager[] tm =
          config.isInsecureTrustAll()
              ? new TrustManager[] {TRUST_ALL}
              : config
                  .trustManagerFactory()
                  .map(TrustManagerFactory::getTrustManagers)
                  .orElse(null);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(km, tm, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS for the side channel: " + e.getMessage(), e);
    }
  }

  /** Server end over an accepted socket; the handshake runs on the first read. */
  static SSLSocket server(SSLContext ctx, TlsConfig config, Socket plain) throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, null, true);
    s.setUseClientMode(false);
    s.setEnabledProtocols(config.protocols().toArray(new String[0]));
    if (config.clientAuth() == TlsConfig.ClientAuth.REQUIRE) {
      s.setNeedClientAuth(true);
    } else if (config.clientAuth() == TlsConfig.ClientAuth.OPTIONAL) {
      s.setWantClientAuth(true);
    }
    return s;
  }

  /** Client end over a connected socket, handshaken before it is returned. */
  static SSLSocket client(SSLContext ctx, TlsConfig config, Socket plain, String host, int port)
      throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
    s.setUseClientMode(true);
    SSLParameters p = s.getSSLParameters();
    p.setProtocols(config.protocols().toArray(new String[0]));
    if (config.hostnameVerification() && !config.isInsecureTrustAll()) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    String sni = config.serverName().orElse(null);
    if (sni != null) {
      p.setServerNames(List.of(new SNIHostName(sni)));
    }
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  private static final X509TrustManager TRUST_ALL =
      new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };
}
