package io.jrpcx.transport.kcp;

import io.jrpcx.client.ClientPlugin;
import io.jrpcx.server.ServerPlugin;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The settings of the {@code kcp} network: the AES key every datagram is encrypted with (rpcx's
 * {@code BlockCrypt}) and how long a server keeps a silent session. Pass it as a plugin to the
 * server and to the client, where Go rpcx passes {@code Options["BlockCrypt"]} and {@code
 * Option.Block}:
 *
 * <pre>{@code
 * KcpConfig kcp = KcpConfig.aes(KcpConfig.pbkdf2("rpcx-key", "rpcx-salt"));
 * Server server = Server.builder().plugin(kcp).build();
 * server.start("kcp", "127.0.0.1:8972");
 * Client client = new Client(ClientOptions.builder().plugin(kcp).build());
 * client.connect("kcp", server.address());
 * }</pre>
 *
 * <p>It hooks nothing: the {@code kcp} network finds it among the plugins. Immutable.
 */
public final class KcpConfig implements ServerPlugin, ClientPlugin {
  /** How long a server keeps a session it has heard nothing from, unless told otherwise. */
  public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(5);

  private final byte[] key;
  private final Duration sessionIdleTimeout;

  private KcpConfig(byte[] key, Duration sessionIdleTimeout) {
    this.key = key;
    this.sessionIdleTimeout = sessionIdleTimeout;
  }

  /**
   * AES with {@code key} (16, 24 or 32 bytes: AES-128, -192 or -256), as kcp-go's {@code
   * NewAESBlockCrypt(key)}.
   *
   * @throws IllegalArgumentException for another key length
   */
  public static KcpConfig aes(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException(
          "an AES key has 16, 24 or 32 bytes, this one has " + key.length);
    }
    return new KcpConfig(key.clone(), DEFAULT_SESSION_IDLE_TIMEOUT);
  }

  /**
   * The 32-byte key the rpcx examples derive, {@code pbkdf2.Key(pass, salt, 4096, 32, sha1.New)}:
   * PBKDF2 with HMAC-SHA1, 4096 iterations. {@code pbkdf2("rpcx-key", "rpcx-salt")} is their key.
   */
  public static byte[] pbkdf2(String password, String salt) {
    try {
      PBEKeySpec spec =
          new PBEKeySpec(password.toCharArray(), salt.getBytes(StandardCharsets.UTF_8), 4096, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA1 is missing from this JDK", e);
    }
  }

  /**
   * A copy whose server drops a session after {@code timeout} without a valid datagram from its
   * peer; zero keeps sessions until the rpcx connection closes. A KCP session has no FIN: a peer
   * that vanished is only noticed this way, by the server's idle timeout, or by a segment sent 20
   * times unanswered.
   */
  public KcpConfig withSessionIdleTimeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("sessionIdleTimeout must not be negative: " + timeout);
    }
    return new KcpConfig(key, timeout);
  }

  /** How long a server keeps a session without a valid datagram from its peer; zero: forever. */
  public Duration sessionIdleTimeout() {
    return sessionIdleTimeout;
  }

  byte[] key() {
    return key;
  }

  @Override
  public String toString() {
    return "KcpConfig{aes-" + key.length * 8 + ", sessionIdleTimeout=" + sessionIdleTimeout + "}";
  }
}
