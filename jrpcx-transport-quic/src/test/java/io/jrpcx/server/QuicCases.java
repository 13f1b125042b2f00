package io.jrpcx.server;

import io.jrpcx.TlsConfig;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How the QUIC tests start a server and configure a client: certificates made for the test run,
 * the server presenting its own, the client trusting the test CA (never trusting everything).
 * The tests live in core's {@code io.jrpcx.server} package to reuse its raw-frame helpers from the
 * test-jar.
 */
final class QuicCases {
  static final String NETWORK = "quic";

  private static TestCertificates certs;

  private QuicCases() {}

  static synchronized TestCertificates certs() {
    if (certs == null) {
      try {
        Path dir = Files.createTempDirectory("jrpcx-quic-certs");
        certs = TestCertificates.create(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return certs;
  }

  static TlsConfig serverTls() {
    return TlsConfig.builder().keyManager(certs().server.cert, certs().server.key).build();
  }

  /** A started quic server with Arith, configured by {@code configure}. */
  static Server start(Consumer<Server.Builder> configure) {
    Server.Builder b = Server.builder().tls(serverTls());
    configure.accept(b);
    Server s = b.build();
    s.register("Arith", new ArithService(), "");
    s.start(NETWORK, "127.0.0.1:0");
    return s;
  }

  /**
   * Client options trusting the test CA, with a connect timeout that a first handshake on a busy
   * machine (native code and classes loading) does not run out of.
   */
  static ClientOptions.Builder client() {
    return ClientOptions.DEFAULT.toBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .tls(TlsConfig.builder().trustManager(certs().ca.cert).build());
  }
}
