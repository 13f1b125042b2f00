package io.jrpcx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads the PEM files a {@link TlsConfig} names: X.509 certificates and PKCS#8 private keys
 * (plain or encrypted), with errors that name the file and what to do about it.
 */
final class PemFiles {
  private PemFiles() {}

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

  static List<Certificate> readCertificates(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      // The JDK parses PEM certificates itself, several per file.
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + pem);
      }
      return new ArrayList<>(certs);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + pem + ": " + e, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "no valid PEM certificate in " + pem + ": " + e.getMessage(), e);
    }
  }

  static PrivateKey readPrivateKey(Path pem, char[] password) {
    String text;
    try {
      text = Files.readString(pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + pem + ": " + e, e);
    }
    Matcher m = PEM_BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      try {
        switch (type) {
          case "PRIVATE KEY":
            return toPrivateKey(new PKCS8EncodedKeySpec(der), pem);
          case "ENCRYPTED PRIVATE KEY":
            if (password == null) {
              throw new IllegalArgumentException(
                  "the key in " + pem + " is encrypted: pass its password");
            }
            return toPrivateKey(decrypt(new EncryptedPrivateKeyInfo(der), password), pem);
          case "RSA PRIVATE KEY":
          case "EC PRIVATE KEY":
            throw new IllegalArgumentException(
                "the key in "
                    + pem
                    + " is "
                    + type
                    + " (PKCS#1/SEC1); convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt'");
          default:
            // Other blocks (e.g. EC PARAMETERS) may precede the key.
        }
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(
            "cannot decode the private key in " + pem + ": " + e.getMessage(), e);
      } finally {
        Arrays.fill(der, (byte) 0);
      }
    }
    throw new IllegalArgumentException("no PEM private key in " + pem);
  }

  /**
   * Signs with the key and verifies with the certificate, so a key that belongs to another
   * certificate fails here rather than as an obscure handshake failure later.
   */
  static void checkKeyMatches(PrivateKey key, Certificate cert, Path certPem, Path keyPem) {
    String algorithm;
    switch (key.getAlgorithm()) {
      case "RSA":
        algorithm = "SHA256withRSA";
        break;
      case "EC":
        algorithm = "SHA256withECDSA";
        break;
      case "Ed25519":
      case "Ed448":
      case "EdDSA":
        algorithm = key.getAlgorithm();
        break;
      default:
        return; // rare key types: the handshake will tell
    }
    boolean matches;
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException(
          "the key in " + keyPem + " does not belong to the first certificate in " + certPem);
    }
  }

  private static PKCS8EncodedKeySpec decrypt(EncryptedPrivateKeyInfo info, char[] password)
      throws GeneralSecurityException, IOException {
    // For PBES2 the JDK names the real scheme only in the parameters.
    AlgorithmParameters params = info.getAlgParameters();
    String algorithm =
        "PBES2".equalsIgnoreCase(info.getAlgName())
                || "1.2.840.113549.1.5.13".equals(info.getAlgName())
            ? params.toString()
            : info.getAlgName();
    PBEKeySpec spec = new PBEKeySpec(password);
    try {
      Key secret = SecretKeyFactory.getInstance(algorithm).generateSecret(spec);
      Cipher cipher = Cipher.getInstance(algorithm);
      cipher.init(Cipher.DECRYPT_MODE, secret, params);
      return info.getKeySpec(cipher);
    } finally {
      spec.clearPassword();
    }
  }

  private static PrivateKey toPrivateKey(PKCS8EncodedKeySpec spec, Path pem)
      throws GeneralSecurityException {
    // PKCS#8 names the algorithm inside; trying the usual ones is simpler than parsing it.
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // not this algorithm
      }
    }
    throw new InvalidKeySpecException("unsupported key algorithm in " + pem);
  }
}
