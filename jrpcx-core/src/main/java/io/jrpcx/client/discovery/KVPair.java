package io.jrpcx.client.discovery;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One server node as discovery reports it, rpcx's {@code KVPair}: the key {@code network@address}
 * (for example {@code tcp@10.0.0.5:8972}; a key without {@code @} means TCP) and the value, the
 * metadata the server registered as a URL query string (for example {@code weight=10&group=g1}).
 *
 * <p>Immutable. The metadata is parsed once, on first use; metadata that does not parse reads as
 * empty, as rpcx keeps such nodes but finds no keys in them.
 */
public final class KVPair {
  private final String key;
  private final String value;
  private volatile Map<String, List<String>> metadata;

  public KVPair(String key, String value) {
    this.key = Objects.requireNonNull(key, "key");
    this.value = value == null ? "" : value;
  }

  /** {@code network@address}, as registered. */
  public String key() {
    return key;
  }

  /** The metadata query string, never null. */
  public String value() {
    return value;
  }

  /** The network part of the key: {@code tcp} when the key has no {@code @}. */
  public String network() {
    int at = key.indexOf('@');
    return at < 0 ? "tcp" : key.substring(0, at);
  }

  /** The address part of the key: {@code host:port}, or a socket path for unix. */
  public String address() {
    int at = key.indexOf('@');
    return at < 0 ? key : key.substring(at + 1);
  }

  /** The parsed metadata: every key with all its values in order; unmodifiable. */
  public Map<String, List<String>> metadata() {
    Map<String, List<String>> m = metadata;
    if (m == null) {
      m = parse(value);
      metadata = m;
    }
    return m;
  }

  /** The first value of metadata {@code name}, or null. */
  public String metadata(String name) {
    List<String> values = metadata().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * Parses a URL query string the way Go's {@code url.ParseQuery} does since Go 1.17; empty when
   * invalid, including when it holds a {@code ;}, which Go 1.17 rejects.
   */
  static Map<String, List<String>> parse(String query) {
    if (query.isEmpty() || query.indexOf(';') >= 0) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    try {
      for (String part : query.split("&")) {
        if (part.isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        String k = decode(eq < 0 ? part : part.substring(0, eq));
        String v = eq < 0 ? "" : decode(part.substring(eq + 1));
        out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(out);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KVPair && ((KVPair) o).key.equals(key) && ((KVPair) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + value.hashCode();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? key : key + "?" + value;
  }
}
