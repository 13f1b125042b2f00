package io.jrpcx.examples;

import java.util.HashMap;
import java.util.Map;

/** The {@code --name value} flags of the example programs, like Go's {@code flag} package. */
final class Flags {
  private final Map<String, String> values = new HashMap<>();

  Flags(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      int eq = a.indexOf('=');
      if (eq > 0) {
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
}
