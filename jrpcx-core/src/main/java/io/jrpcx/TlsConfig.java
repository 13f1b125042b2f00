package io.jrpcx;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings for a {@link io.jrpcx.server.Server} ({@code Server.Builder.tls}) or a client
 * ({@code ClientOptions.Builder.tls}), which then speak rpcx inside TLS over {@code tcp}
 * networks. Immutable; made with {@link #builder()}.
 *
 * <pre>{@code
 * // server: its certificate chain and key; with mutual TLS also the CA that signs client certs
 * TlsConfig serverTls = TlsConfig.builder()
 *     .keyManager(Path.of("server.crt"), Path.of("server.key"))
 *     .trustManager(Path.of("clients-ca.crt"))
 *     .clientAuth(TlsConfig.ClientAuth.REQUIRE)
 *     .build();
 *
 * // client: the CA that signs the server's certificate; with mutual TLS also its own chain
 * TlsConfig clientTls = TlsConfig.builder()
 *     .trustManager(Path.of("ca.crt"))
 *     .keyManager(Path.of("client.crt"), Path.of("client.key"))
 *     .build();
 * }</pre>
 *
 * <p><b>Key material</b> (the certificate chain this side presents and its private key) is
 * required on a server and, for mutual TLS, on a client. <b>Trust material</b> (the certificates
 * that may sign the peer's chain) defaults to the JDK's trusted CAs; a server that asks for client
 * certificates must be given it explicitly. Files and key stores are read and checked as the
 * builder is given them, so a missing file, a wrong password or a key that does not belong to
 * its certificate fails there, not at the first connection.
 *
 * <p><b>Defaults:</b> TLSv1.3 and TLSv1.2 only; the client checks that the server's certificate
 * names the host it dialled (or {@link Builder#serverName}); the server asks for no client
 * certificate; a handshake must complete within 10 seconds on the server (a client is bounded by
 * its connect timeout).
 *
 * <p>PEM files may hold certificates ({@code BEGIN CERTIFICATE}) and PKCS#8 private keys
 * ({@code BEGIN PRIVATE KEY} or, with a password, {@code BEGIN ENCRYPTED PRIVATE KEY}); convert a
 * PKCS#1 {@code BEGIN RSA PRIVATE KEY} with {@code openssl pkcs8 -topk8 -nocrypt}. For a PKCS#12
 * or JKS file, load it with {@link KeyStore#getInstance(java.io.File, char[])} and pass the
 * {@link KeyStore}.
 */
public final class TlsConfig {

  /** Whether a server asks connecting clients for a certificate (mutual TLS). */
  public enum ClientAuth {
    /** No client certificate is asked for (the default). */
    NONE,
    /** A client certificate is asked for and checked when sent; clients without one connect. */
    OPTIONAL,
    /** Every client must present a certificate signed by the trust material, or is refused. */
    REQUIRE
  }

  /** The protocols enabled unless {@link Builder#protocols} says otherwise. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private final KeyManagerFactory keyManagerFactory;
  private final TrustManagerFactory trustManagerFactory;
  private final boolean insecureTrustAll;
  private final ClientAuth clientAuth;
  private final List<String> protocols;
  private final boolean hostnameVerification;
  private final String serverName;
  private final Duration handshakeTimeout;

  private TlsConfig(Builder b) {
    this.keyManagerFactory = b.keyManagerFactory;
    this.trustManagerFactory = b.trustManagerFactory;
    this.insecureTrustAll = b.insecureTrustAll;
    this.clientAuth = b.clientAuth;
    this.protocols = List.copyOf(b.protocols);
    this.hostnameVerification = b.hostnameVerification;
    this.serverName = b.serverName;
    this.handshakeTimeout = b.handshakeTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** This side's certificate chain and private key; empty when it presents none. */
  public Optional<KeyManagerFactory> keyManagerFactory() {
    return Optional.ofNullable(keyManagerFactory);
  }

  /**
   * The certificates that may sign the peer's chain; empty for the JDK's trusted CAs (or when
   * {@link #isInsecureTrustAll()}).
   */
  public Optional<TrustManagerFactory> trustManagerFactory() {
    return Optional.ofNullable(trustManagerFactory);
  }

  /** Whether every peer certificate is accepted unchecked: see {@link Builder#insecureTrustAll}. */
  public boolean isInsecureTrustAll() {
    return insecureTrustAll;
  }

  /** Whether a server asks clients for certificates; clients ignore it. */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** Enabled protocol versions, e.g. {@code TLSv1.3}. */
  public List<String> protocols() {
    return protocols;
  }

  /**
   * Whether a client checks that the server's certificate names the server (never with {@link
   * #isInsecureTrustAll()}); servers ignore it.
   */
  public boolean hostnameVerification() {
    return hostnameVerification && !insecureTrustAll;
  }

  /**
   * The name a client expects in the server's certificate and sends as SNI; empty to use the host
   * of the dialled address.
   */
  public Optional<String> serverName() {
    return Optional.ofNullable(serverName);
  }

  /** How long a server lets a connection take to complete its handshake. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  @Override
  public String toString() {
    return "TlsConfig{keyMaterial="
        + (keyManagerFactory != null)
        + ", trust="
        + (insecureTrustAll
            ? "INSECURE-ALL"
            : trustManagerFactory != null ? "configured" : "JDK default")
        + ", clientAuth="
        + clientAuth
        + ", protocols="
        + protocols
        + ", hostnameVerification="
        + hostnameVerification()
        + (serverName != null ? ", serverName=" + serverName : "")
        + "}";
  }

  /** Builds a {@link TlsConfig}; see the class comment for the defaults. */
  public static final class Builder {
    private KeyManagerFactory keyManagerFactory;
    private TrustManagerFactory trustManagerFactory;
    private boolean insecureTrustAll;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private List<String> protocols = DEFAULT_PROTOCOLS;
    private boolean hostnameVerification = true;
    private String serverName;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

    private Builder() {}

    private Builder(TlsConfig c) {
      keyManagerFactory = c.keyManagerFactory;
      trustManagerFactory = c.trustManagerFactory;
      insecureTrustAll = c.insecureTrustAll;
      clientAuth = c.clientAuth;
      protocols = c.protocols;
      hostnameVerification = c.hostnameVerification;
      serverName = c.serverName;
      handshakeTimeout = c.handshakeTimeout;
    }

    /**
     * Presents the certificate chain in {@code certChainPem} (this side's certificate first, then
     * any intermediates) with the unencrypted PKCS#8 key in {@code privateKeyPem}.
     *
     * @throws IllegalArgumentException when a file cannot be read or holds no usable key or
     *     certificate
     */
    public Builder keyManager(Path certChainPem, Path privateKeyPem) {
      return keyManager(certChainPem, privateKeyPem, null);
    }

    /**
     * As {@link #keyManager(Path, Path)}, for a key that may be encrypted ({@code BEGIN ENCRYPTED
     * PRIVATE KEY}) with {@code keyPassword}; null for an unencrypted key.
     */
    public Builder keyManager(Path certChainPem, Path privateKeyPem, char[] keyPassword) {
      Objects.requireNonNull(certChainPem, "certChainPem");
      Objects.requireNonNull(privateKeyPem, "privateKeyPem");
      List<Certificate> chain = PemFiles.readCertificates(certChainPem);
      PrivateKey key = PemFiles.readPrivateKey(privateKeyPem, keyPassword);
      PemFiles.checkKeyMatches(key, chain.get(0), certChainPem, privateKeyPem);
      try {
        // An in-memory key store is the JDK's one way from a key and chain to a KeyManager.
        char[] storePassword = randomPassword();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", key, storePassword, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, storePassword);
        this.keyManagerFactory = kmf;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException(
            "key in "
                + privateKeyPem
                + " does not fit the certificate chain in "
                + certChainPem
                + ": "
                + e.getMessage(),
            e);
      }
      return this;
    }

    /** Presents the key entry of {@code keyStore} (key and chain), unlocked by {@code password}. */
    public Builder keyManager(KeyStore keyStore, char[] password) {
      Objects.requireNonNull(keyStore, "keyStore");
      try {
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, password);
        this.keyManagerFactory = kmf;
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot use the key store's key: " + e.getMessage(), e);
      }
      return this;
    }

    /** Presents what {@code factory}'s key managers choose; it must be initialised. */
    public Builder keyManager(KeyManagerFactory factory) {
      this.keyManagerFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Trusts peers whose chain is signed by one of the certificates in {@code trustedCertsPem}
     * (one or more {@code BEGIN CERTIFICATE} blocks), instead of the JDK's trusted CAs.
     */
    public Builder trustManager(Path trustedCertsPem) {
      Objects.requireNonNull(trustedCertsPem, "trustedCertsPem");
      List<Certificate> certs = PemFiles.readCertificates(trustedCertsPem);
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
          ks.setCertificateEntry("trusted-" + i, certs.get(i));
        }
        return trustManager(ks);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException(
            "cannot trust the certificates in " + trustedCertsPem + ": " + e.getMessage(), e);
      }
    }

    /** Trusts peers whose chain is signed by one of {@code trustStore}'s certificates. */
    public Builder trustManager(KeyStore trustStore) {
      Objects.requireNonNull(trustStore, "trustStore");
      try {
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        return trustManager(tmf);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot use the trust store: " + e.getMessage(), e);
      }
    }

    /** Trusts what {@code factory}'s trust managers accept; it must be initialised. */
    public Builder trustManager(TrustManagerFactory factory) {
      this.trustManagerFactory = Objects.requireNonNull(factory, "factory");
      this.insecureTrustAll = false;
      return this;
    }

    /**
     * <b>Insecure; for tests and development only.</b> Accepts any peer certificate without
     * checking who signed it or whom it names, so anyone between the two sides can read and
     * change the traffic. Turns hostname verification off. A warning is logged whenever it is
     * used.
     */
    public Builder insecureTrustAll() {
      this.insecureTrustAll = true;
      this.trustManagerFactory = null;
      return this;
    }

    /** Whether a server asks clients for certificates (default {@link ClientAuth#NONE}). */
    public Builder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
      return this;
    }

    /**
     * The protocol versions to enable, e.g. {@code "TLSv1.3"} (default TLSv1.3 and TLSv1.2).
     *
     * @throws IllegalArgumentException when one is not supported by this JDK
     */
    public Builder protocols(String... protocols) {
      if (protocols.length == 0) {
        throw new IllegalArgumentException("at least one TLS protocol is needed");
      }
      Set<String> supported = supportedProtocols();
      for (String p : protocols) {
        if (!supported.contains(p)) {
          throw new IllegalArgumentException(
              "TLS protocol '" + p + "' is not supported; use " + "some of " + supported);
        }
      }
      this.protocols = List.of(protocols);
      return this;
    }

    /**
     * Whether a client checks that the server's certificate names the host it dialled (an IP
     * address must be an IP subject alternative name) or {@link #serverName}. On by default;
     * turning it off lets any holder of a trusted certificate pose as this server.
     */
    public Builder hostnameVerification(boolean verify) {
      this.hostnameVerification = verify;
      return this;
    }

    /**
     * The DNS name a client expects in the server's certificate and sends in SNI, e.g. when it
     * dials an IP address or a load balancer (default: the host of the dialled address).
     */
    public Builder serverName(String serverName) {
      if (serverName != null && serverName.isBlank()) {
        throw new IllegalArgumentException("serverName is blank");
      }
      this.serverName = serverName;
      return this;
    }

    /**
     * How long a server lets a new connection take to complete the handshake before closing it
     * (default 10 s), so silent or plaintext peers do not hold connections open.
     */
    public Builder handshakeTimeout(Duration timeout) {
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("handshakeTimeout must be positive, was " + timeout);
      }
      this.handshakeTimeout = timeout;
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalArgumentException when client certificates are asked for but no trust
     *     material says which to accept
     */
    public TlsConfig build() {
      if (clientAuth != ClientAuth.NONE && trustManagerFactory == null && !insecureTrustAll) {
        throw new IllegalArgumentException(
            "clientAuth "
                + clientAuth
                + " needs trust material "
                + "for client certificates: call trustManager(...)");
      }
      return new TlsConfig(this);
    }

    private static Set<String> supportedProtocols() {
      try {
        return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getProtocols());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no default TLS implementation", e);
      }
    }

    private static char[] randomPassword() {
      byte[] bytes = new byte[16];
      new SecureRandom().nextBytes(bytes);
      return Base64.getEncoder().encodeToString(bytes).toCharArray();
    }
  }
}
