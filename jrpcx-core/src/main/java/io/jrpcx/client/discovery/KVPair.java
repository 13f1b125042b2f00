package io.jrpcx.client.discovery;

import io.jrpcx.registry.GoQuery;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One server node as discovery reports it, rpcx's {@code KVPair}: the key {@code network@address}
 * (for example {@code tcp@10.0.0.5:8972}; a key without {@code @} means TCP) and the value, the
 * metadata the server registered as a URL query string (for example {@code weight=10&group=g1}).
 *
 * <p>Immutable. The metadata is parsed once, on first use, as Go's {@code url.ParseQuery} parses
 * it ({@link GoQuery}); metadata that does not parse reads as empty, as rpcx keeps such nodes but
 * finds no keys in them.
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
      m = GoQuery.parseOrEmpty(value);
      metadata = m;
    }
    return m;
  }

  /** The first value of metadata {@code name}, or null. */
  public String metadata(String name) {
    List<String> values = metadata().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
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
