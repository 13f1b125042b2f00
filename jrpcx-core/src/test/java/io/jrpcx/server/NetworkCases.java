package io.jrpcx.server;

import io.jrpcx.TlsConfig;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.ReusePort;
import io.jrpcx.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TCP-based networks every network test runs on, and how to start a server and configure a
 * client for each: {@code wss} with certificates made for the test run.
 */
final class NetworkCases {
  /** tcp is the reference the others must behave like. */
  static final List<String> ALL = List.of("tcp", "http", "ws", "wss", "reuseport");

  private static TestCertificates certs;

  private NetworkCases() {}

  /** Every network this platform runs: reuseport needs epoll (required on Linux). */
  static Stream<String> networks() {
    boolean reusePort = ReusePort.runsHere();
    return ALL.stream().filter(n -> !n.equals("reuseport") || reusePort);
  }

  /** The networks with a handshake of their own. */
  static Stream<String> handshakeNetworks() {
    return Stream.of("http", "ws", "wss");
  }

  static synchronized TestCertificates certs() {
    if (certs == null) {
      try {
        Path dir = Files.createTempDirectory("jrpcx-network-certs");
        certs = TestCertificates.create(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return certs;
  }

  static boolean tls(String network) {
    return network.equals("wss");
  }

  /** A started server with Arith on {@code network}, configured by {@code configure}. */
  static Server start(String network, Consumer<Server.Builder> configure) {
    Server.Builder b = Server.builder();
    if (tls(network)) {
      b.tls(TlsConfig.builder().keyManager(certs().server.cert, certs().server.key).build());
    }
    configure.accept(b);
    Server s = b.build();
    s.register("Arith", new ArithService(), "");
    s.start(network, "127.0.0.1:0");
    return s;
  }

  /** Client options for {@code network}: trusting the test CA on wss. */
  static ClientOptions.Builder client(String network) {
    ClientOptions.Builder b = ClientOptions.DEFAULT.toBuilder();
    if (tls(network)) {
      b.tls(TlsConfig.builder().trustManager(certs().ca.cert).build());
    }
    return b;
  }

  /** For {@link NetworkSocket}: a factory trusting the test CA on wss, else null. */
  static SSLSocketFactory socketTls(String network) {
    if (!tls(network)) {
      return null;
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", certs().ca.certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
