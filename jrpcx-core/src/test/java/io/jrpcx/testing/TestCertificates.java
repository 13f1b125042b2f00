package io.jrpcx.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time, written as PEM files into a directory: a CA; a server
 * certificate for {@code localhost} and {@code 127.0.0.1} and a client certificate, both signed by
 * it; a server certificate the CA signed for another host; and a self-signed certificate nobody
 * trusts. EC P-256 keys, valid from an hour ago for a day.
 *
 * <pre>{@code
 * @TempDir static Path dir;
 * static TestCertificates certs;
 * @BeforeAll static void certs() { certs = TestCertificates.create(dir); }
 * }</pre>
 */
public final class TestCertificates {
  /** A certificate (chain) file and its key file. */
  public static final class Pair {
    public final Path cert;
    public final Path key;
    public final X509Certificate certificate;
    public final PrivateKey privateKey;

    Pair(Path cert, Path key, X509Certificate certificate, PrivateKey privateKey) {
      this.cert = cert;
      this.key = key;
      this.certificate = certificate;
      this.privateKey = privateKey;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The CA; {@code ca.cert} is the trust anchor for everything it signed. */
  public final Pair ca;

  /** Signed by {@link #ca} for DNS {@code localhost} and IP {@code 127.0.0.1}. */
  public final Pair server;

  /** Signed by {@link #ca} for client authentication, subject {@code CN=jrpcx test client}. */
  public final Pair client;

  /** Signed by {@link #ca} for {@code elsewhere.example} only: right issuer, wrong name. */
  public final Pair elsewhere;

  /** Self-signed for localhost/127.0.0.1, for server and client use; trusted by nobody. */
  public final Pair untrusted;

  private final Path dir;

  private TestCertificates(Path dir)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    this.dir = dir;
    KeyPair caKeys = newKeyPair();
    X509Certificate caCert =
        sign(new X500Name("CN=jrpcx test CA"), caKeys, null, caKeys, true, null, null);
    ca = write("ca", caKeys.getPrivate(), caCert);
    KeyPair serverKeys = newKeyPair();
    server =
        write(
            "server",
            serverKeys.getPrivate(),
            sign(
                new X500Name("CN=localhost"),
                serverKeys,
                caCert,
                caKeys,
                false,
                KeyPurposeId.id_kp_serverAuth,
                localhost()),
            caCert);
    KeyPair clientKeys = newKeyPair();
    client =
        write(
            "client",
            clientKeys.getPrivate(),
            sign(
                new X500Name("CN=jrpcx test client"),
                clientKeys,
                caCert,
                caKeys,
                false,
                KeyPurposeId.id_kp_clientAuth,
                null),
            caCert);
    KeyPair elsewhereKeys = newKeyPair();
    elsewhere =
        write(
            "elsewhere",
            elsewhereKeys.getPrivate(),
            sign(
                new X500Name("CN=elsewhere.example"),
                elsewhereKeys,
                caCert,
                caKeys,
                false,
                KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "elsewhere.example"))),
            caCert);
    KeyPair untrustedKeys = newKeyPair();
    untrusted =
        write(
            "untrusted",
            untrustedKeys.getPrivate(),
            sign(
                new X500Name("CN=untrusted"),
                untrustedKeys,
                null,
                untrustedKeys,
                false,
                null,
                localhost()));
  }

  /** Makes every certificate and writes them into {@code dir}. */
  public static TestCertificates create(Path dir) {
    try {
      return new TestCertificates(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make test certificates", e);
    }
  }

  /**
   * Writes {@code pair}'s key again, PKCS#8-encrypted with {@code password} (PBES2, AES-256),
   * and returns the file.
   */
  public Path encryptedKey(Pair pair, char[] password) {
    try {
      JcaPKCS8Generator gen =
          new JcaPKCS8Generator(
              pair.privateKey,
              new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                  // The JDK lacks the padding name BouncyCastle asks for; the result is standard.
                  .setProvider(new BouncyCastleProvider())
                  .setRandom(RANDOM)
                  .setPassword(password)
                  .build());
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(gen);
      }
      Path file = dir.resolve(pair.key.getFileName() + ".encrypted");
      Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot encrypt the key", e);
    }
  }

  /**
   * Key material that presents {@code pair} whatever the server asks for. The JDK's own key
   * manager sends no certificate when none is issued by a CA the server names, so without this
   * the server would never get to check an untrusted one.
   */
  public static KeyManagerFactory alwaysPresenting(Pair pair) {
    X509Certificate[] chain = {pair.certificate};
    X509ExtendedKeyManager km =
        new X509ExtendedKeyManager() {
          @Override
          public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"key"};
          }

          @Override
          public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "key";
          }

          @Override
          public String chooseEngineClientAlias(
              String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "key";
          }

          @Override
          public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {"key"};
          }

          @Override
          public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return "key";
          }

          @Override
          public String chooseEngineServerAlias(
              String keyType, Principal[] issuers, SSLEngine engine) {
            return "key";
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
          }

          @Override
          public PrivateKey getPrivateKey(String alias) {
            return pair.privateKey;
          }
        };
    KeyManagerFactorySpi spi =
        new KeyManagerFactorySpi() {
          @Override
          protected void engineInit(KeyStore ks, char[] password) {}

          @Override
          protected void engineInit(ManagerFactoryParameters spec) {}

          @Override
          protected KeyManager[] engineGetKeyManagers() {
            return new KeyManager[] {km};
          }
        };
    return new KeyManagerFactory(spi, null, "always-presenting") {};
  }

  private static GeneralNames localhost() {
    return new GeneralNames(
        new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1")
        });
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return gen.generateKeyPair();
  }

  /**
   * A certificate for {@code subjectKeys}, signed by {@code issuerKeys}; self-signed when
   * {@code issuer} is null. {@code purpose} null allows both TLS purposes.
   */
  private static X509Certificate sign(
      X500Name subject,
      KeyPair subjectKeys,
      X509Certificate issuer,
      KeyPair issuerKeys,
      boolean isCa,
      KeyPurposeId purpose,
      GeneralNames names)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    Instant now = Instant.now();
    X500Name issuerName =
        issuer == null ? subject : new X500Name(issuer.getSubjectX500Principal().getName());
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuerName,
            new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          purpose != null
              ? new ExtendedKeyUsage(purpose)
              : new ExtendedKeyUsage(
                  new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                  }));
    }
    if (names != null) {
      b.addExtension(Extension.subjectAlternativeName, false, names);
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private Pair write(String name, PrivateKey key, X509Certificate... chain)
      throws IOException, GeneralSecurityException {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : chain) {
      pem.append(pem("CERTIFICATE", c.getEncoded()));
    }
    Path certFile = dir.resolve(name + ".crt");
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(certFile, pem, StandardCharsets.US_ASCII);
    // The JDK encodes private keys as PKCS#8, the form TlsConfig reads.
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    return new Pair(certFile, keyFile, chain[0], key);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
