package io.jrpcx.examples;

import io.jrpcx.TlsConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The {@code --name value} flags of the example programs, like Go's {@code flag} package. */
final class Flags {
  /** Flags that take no value: present means true. */
  private static final Set<String> SWITCHES = Set.of("insecure");

  private final Map<String, String> values = new HashMap<>();

  Flags(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      int eq = a.indexOf('=');
      if (SWITCHES.contains(a.substring(2))) {
        values.put(a.substring(2), "true");
      } else if (eq > 0) {
        values.put(a.substring(2, eq), a.substring(eq + 1));
      } else if (i + 1 < args.length) {
        values.put(a.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("flag " + a + " needs a value");
      }
    }
  }

  String get(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  /**
   * TLS from {@code --cert} and {@code --key} (this side's PEM chain and PKCS#8 key) and
   * {@code --ca} (PEM certificates that sign the peer's); null when none is given. A server given
   * {@code --ca} requires client certificates signed by it (mutual TLS). A client given {@code
   * --insecure} accepts any server certificate (for trying out a server with a self-signed one).
   */
  TlsConfig tls(boolean server) {
    String cert = values.get("cert");
    String key = values.get("key");
    String ca = values.get("ca");
    boolean insecure = !server && values.containsKey("insecure");
    if (cert == null && key == null && ca == null && !insecure) {
      return null;
    }
    TlsConfig.Builder b = TlsConfig.builder();
    if (insecure) {
      if (ca != null) {
        throw new IllegalArgumentException("--insecure and --ca contradict each other");
      }
      b.insecureTrustAll();
    }
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new IllegalArgumentException("--cert and --key go together");
      }
      b.keyManager(Path.of(cert), Path.of(key));
    }
    if (ca != null) {
      b.trustManager(Path.of(ca));
      if (server) {
        b.clientAuth(TlsConfig.ClientAuth.REQUIRE);
      }
    }
    return b.build();
  }
}
