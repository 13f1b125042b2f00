package io.jrpcx.examples;

import io.jrpcx.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * A key and self-signed certificate for 127.0.0.1 and localhost, made by the JDK's {@code keytool}
 * in a temporary directory, for an example server that must serve TLS ({@code quic}) and was given
 * no certificate. No client trusts it unless told to ({@code --insecure}).
 */
final class SelfSigned {
  private SelfSigned() {}

  static TlsConfig tls() {
    char[] password = "jrpcx-example".toCharArray();
    try {
      Path dir = Files.createTempDirectory("jrpcx-example-tls");
      Path store = dir.resolve("server.p12");
      Process keytool =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                  "-genkeypair",
                  "-alias",
                  "server",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=localhost",
                  "-ext",
                  "SAN=ip:127.0.0.1,dns:localhost",
                  "-validity",
                  "7",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  store.toString(),
                  "-storepass",
                  new String(password),
                  "-keypass",
                  new String(password))
              .redirectErrorStream(true)
              .start();
      String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (keytool.waitFor() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, password);
      }
      Files.delete(store);
      Files.delete(dir);
      return TlsConfig.builder().keyManager(keys, password).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a self-signed certificate", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the self-signed certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making a certificate", e);
    }
  }
}
