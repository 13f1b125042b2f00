package io.jrpcx.transport.kcp;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.zip.CRC32;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The outermost layer of a kcp datagram, kcp-go's {@code BlockCrypt} with its checksum
 * (sess.go {@code output} and {@code packetInput}, crypt.go {@code encrypt16}): {@code nonce[16] |
 * crc32 LE[4] | rest}, the CRC-32 (IEEE) over the rest, the whole datagram then encrypted with AES
 * in CFB mode (full 128-bit feedback, no padding) under kcp-go's fixed {@code initialVector}. The
 * random nonce is the first plaintext block, so it plays the IV's part.
 *
 * <p>Not thread-safe: one per session (it keeps its ciphers and nonce state).
 */
final class DatagramCrypt {
  /** Bytes of nonce and checksum in front of the FEC header. */
  static final int HEADER = 20;

  static final int NONCE = 16;

  /** crypt.go {@code initialVector}. */
  private static final byte[] IV = {
    (byte) 167,
    115,
    79,
    (byte) 156,
    18,
    (byte) 172,
    27,
    1,
    (byte) 164,
    21,
    (byte) 242,
    (byte) 193,
    (byte) 252,
    120,
    (byte) 230,
    107
  };

  private static final SecureRandom SEEDS = new SecureRandom();

  private final SecretKeySpec key;
  private final Cipher encrypt;
  private final Cipher decrypt;
  private final CRC32 crc = new CRC32();

  /** entropy.go {@code nonceAES128}: a random seed encrypted again for each nonce. */
  private final Cipher nonces;

  private final byte[] seed = new byte[16];

  DatagramCrypt(byte[] aesKey) {
    try {
      key = new SecretKeySpec(aesKey, "AES");
      encrypt = Cipher.getInstance("AES/CFB/NoPadding");
      decrypt = Cipher.getInstance("AES/CFB/NoPadding");
      byte[] nonceKey = new byte[16];
      SEEDS.nextBytes(nonceKey);
      SEEDS.nextBytes(seed);
      nonces = Cipher.getInstance("AES/ECB/NoPadding");
      nonces.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(nonceKey, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is missing from this JDK", e);
    }
  }

  /** Writes a fresh nonce into {@code buf[0..16)}. */
  void fillNonce(byte[] buf) {
    try {
      nonces.doFinal(seed, 0, 16, seed, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    System.arraycopy(seed, 0, buf, 0, NONCE);
  }

  /**
   * Checksums and encrypts {@code buf[0..len)} in place; the nonce must be in {@code buf[0..16)}.
   */
  void seal(byte[] buf, int len) {
    crc.reset();
    crc.update(buf, HEADER, len - HEADER);
    int sum = (int) crc.getValue();
    buf[NONCE] = (byte) sum;
    buf[NONCE + 1] = (byte) (sum >>> 8);
    buf[NONCE + 2] = (byte) (sum >>> 16);
    buf[NONCE + 3] = (byte) (sum >>> 24);
    run(encrypt, Cipher.ENCRYPT_MODE, buf, len);
  }

  /**
   * Decrypts {@code buf[0..len)} in place and says whether it is a datagram made with this key: at
   * least a header and a checksum that matches. A wrong key fails the checksum like noise does.
   */
  boolean open(byte[] buf, int len) {
    if (len < HEADER) {
      return false;
    }
    run(decrypt, Cipher.DECRYPT_MODE, buf, len);
    crc.reset();
    crc.update(buf, HEADER, len - HEADER);
    int sum = (int) crc.getValue();
    int got =
        (buf[NONCE] & 0xff)
            | (buf[NONCE + 1] & 0xff) << 8
            | (buf[NONCE + 2] & 0xff) << 16
            | (buf[NONCE + 3] & 0xff) << 24;
    return sum == got;
  }

  private void run(Cipher cipher, int mode, byte[] buf, int len) {
    try {
      cipher.init(mode, key, new IvParameterSpec(IV));
      int n = cipher.doFinal(buf, 0, len, buf, 0);
      if (n != len) {
        throw new IllegalStateException("AES/CFB returned " + n + " bytes for " + len);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
