package io.jrpcx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.client.ClientOptions;
import io.jrpcx.server.Server;
import io.jrpcx.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building {@link TlsConfig}: what it reads, its defaults, and the mistakes it refuses early. */
class TlsConfigTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void makeCertificates() {
    certs = TestCertificates.create(dir);
  }

  @Test
  void defaultsAreTls13And12WithHostnameVerificationAndNoClientAuth() {
    TlsConfig tls = TlsConfig.builder().build();

    assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(tls.hostnameVerification()).isTrue();
    assertThat(tls.clientAuth()).isEqualTo(TlsConfig.ClientAuth.NONE);
    assertThat(tls.keyManagerFactory()).isEmpty();
    assertThat(tls.trustManagerFactory()).isEmpty();
    assertThat(tls.isInsecureTrustAll()).isFalse();
    assertThat(tls.serverName()).isEmpty();
  }

  @Test
  void readsPemKeysPlainAndEncrypted() {
    char[] password = "s3cret".toCharArray();
    Path encrypted = certs.encryptedKey(certs.server, password);

    assertThat(
            TlsConfig.builder()
                .keyManager(certs.server.cert, certs.server.key)
                .build()
                .keyManagerFactory())
        .isPresent();
    assertThat(
            TlsConfig.builder()
                .keyManager(certs.server.cert, encrypted, password)
                .build()
                .keyManagerFactory())
        .isPresent();
    assertThatThrownBy(() -> TlsConfig.builder().keyManager(certs.server.cert, encrypted))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is encrypted: pass its password");
    assertThatThrownBy(
            () ->
                TlsConfig.builder().keyManager(certs.server.cert, encrypted, "wrong".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot decode the private key in " + encrypted);
  }

  @Test
  void acceptsKeyStores() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] password = "pw".toCharArray();
    keys.setKeyEntry(
        "server",
        certs.server.privateKey,
        password,
        new Certificate[] {certs.server.certificate, certs.ca.certificate});
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", certs.ca.certificate);

    TlsConfig tls = TlsConfig.builder().keyManager(keys, password).trustManager(trust).build();

    assertThat(tls.keyManagerFactory()).isPresent();
    assertThat(tls.trustManagerFactory()).isPresent();
    try (Server server = Server.builder().tls(tls).build()) {
      assertThat(server.tls()).isSameAs(tls);
    }
  }

  @Test
  void refusesFilesThatHoldNoKeyOrCertificate() throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");

    assertThatThrownBy(() -> TlsConfig.builder().trustManager(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read " + missing);
    assertThatThrownBy(() -> TlsConfig.builder().keyManager(certs.server.cert, empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM private key in " + empty);
    assertThatThrownBy(() -> TlsConfig.builder().keyManager(certs.server.cert, certs.client.key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the key in "
                + certs.client.key
                + " does not belong to the first "
                + "certificate in "
                + certs.server.cert);
  }

  @Test
  void refusesSettingsThatCannotWork() {
    assertThatThrownBy(() -> TlsConfig.builder().clientAuth(TlsConfig.ClientAuth.REQUIRE).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs trust material");
    assertThatThrownBy(() -> TlsConfig.builder().protocols("TLSv1.4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'TLSv1.4' is not supported");
    assertThatThrownBy(() -> Server.builder().tls(TlsConfig.builder().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a TLS server needs key material");
  }

  @Test
  void insecureTrustAllTurnsHostnameVerificationOffAndSaysSo() {
    TlsConfig tls = TlsConfig.builder().insecureTrustAll().build();

    assertThat(tls.isInsecureTrustAll()).isTrue();
    assertThat(tls.hostnameVerification()).isFalse();
    assertThat(tls.toString()).contains("INSECURE");
    assertThat(ClientOptions.DEFAULT.toBuilder().tls(tls).build().tls()).isSameAs(tls);
    assertThat(tls.toBuilder().trustManager(certs.ca.cert).build().hostnameVerification()).isTrue();
  }
}
