package io.jrpcx.registry.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.SetArgs;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * What Go rpcx's Redis registry puts into Redis, through the redis store of {@code rpcxio/libkv}:
 *
 * <ul>
 *   <li>The Redis key is libkv's {@code store.Normalize(key)}, which splits the key on {@code /},
 *       joins it again and prefixes a {@code /}: it always comes out as {@code "/" + key}. The Go
 *       plugins hand the configured basePath over unchanged (only the ZooKeeper plugin strips its
 *       leading slash first), so basePath {@code /rpcx_test} gives Redis keys starting with
 *       {@code //rpcx_test}.
 *   <li>The Redis value is {@code json.Marshal} of libkv's {@code KVPair}: the un-normalised key,
 *       the bytes in standard base64 and {@code LastIndex}, which the redis store fills with
 *       {@code time.Now().Nanosecond()}, the nanoseconds within the current second.
 *   <li>A TTL goes on the {@code SET} itself, as go-redis sends it: {@code EX} for whole seconds,
 *       {@code PX} otherwise.
 * </ul>
 */
final class Libkv {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = new JsonFactory();
  private static final CharacterEscapes GO_ESCAPES = new GoEscapes();

  private Libkv() {}

  /** libkv's {@code store.Normalize}: split on '/', join with '/', prefix '/'. */
  static String normalize(String key) {
    return "/" + key;
  }

  /**
   * {@code basePath} without a trailing slash, so that {@code base + "/" + name} never holds
   * {@code //} in the middle; Go's discovery template trims it the same way.
   */
  static String trimBasePath(String basePath) {
    if (basePath.isEmpty()) {
      throw new IllegalArgumentException("basePath must not be empty");
    }
    String b = basePath;
    while (b.length() > 1 && b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    return b;
  }

  /** The JSON envelope exactly as Go's {@code json.Marshal(&store.KVPair{...})} writes it. */
  static String envelope(String key, String value) {
    return envelope(key, value.getBytes(StandardCharsets.UTF_8), sequenceNumber());
  }

  static String envelope(String key, byte[] value, long lastIndex) {
    StringWriter out = new StringWriter(key.length() + value.length * 4 / 3 + 48);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setCharacterEscapes(GO_ESCAPES);
      g.writeStartObject();
      g.writeStringField("Key", key);
      g.writeStringField("Value", Base64.getEncoder().encodeToString(value));
      g.writeNumberField("LastIndex", lastIndex);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** libkv's {@code sequenceNum()}: {@code uint64(time.Now().Nanosecond())}. */
  static long sequenceNumber() {
    return Instant.now().getNano();
  }

  /** A decoded envelope; {@code key} is null when the envelope has none. */
  record Pair(String key, String value, long lastIndex) {}

  /**
   * Decodes an envelope as Go's {@code json.Unmarshal} into a {@code KVPair} would: a missing or
   * null {@code Value} is empty bytes, line breaks inside the base64 are ignored.
   *
   * @throws IllegalArgumentException if the text is not such an envelope
   */
  static Pair decode(String json) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode k = n.get("Key");
    JsonNode v = n.get("Value");
    JsonNode i = n.get("LastIndex");
    if (v != null && !v.isNull() && !v.isTextual()) {
      throw new IllegalArgumentException("Value is not a base64 string");
    }
    String b64 = v == null || v.isNull() ? "" : v.asText().replace("\r", "").replace("\n", "");
    byte[] bytes = Base64.getDecoder().decode(b64);
    return new Pair(
        k == null || k.isNull() ? null : k.asText(),
        new String(bytes, StandardCharsets.UTF_8),
        i == null ? 0 : i.asLong());
  }

  /** The expiry go-redis puts on {@code SET}: none for zero, EX for whole seconds, else PX. */
  static SetArgs expiry(Duration ttl) {
    if (ttl.isZero()) {
      return new SetArgs();
    }
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.toNanos() % 1_000_000_000L != 0) {
      return SetArgs.Builder.px(Math.max(1, ttl.toMillis()));
    }
    return SetArgs.Builder.ex(ttl.getSeconds());
  }

  /** Escapes Redis glob characters so that a key prefix matches only itself. */
  static String globEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 4);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /**
   * Go's {@code encoding/json} string escaping: {@code <}, {@code >} and {@code &} (HTML-safe),
   * U+2028 and U+2029, and control characters in lower-case {@code \\u00xx} unless they have a
   * short form. Jackson's own escaping differs only in these cases.
   */
  private static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii;

    GoEscapes() {
      ascii = CharacterEscapes.standardAsciiEscapesForJSON();
      ascii['<'] = ESCAPE_CUSTOM;
      ascii['>'] = ESCAPE_CUSTOM;
      ascii['&'] = ESCAPE_CUSTOM;
      for (int c = 0; c < 0x20; c++) {
        if (c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f') {
          ascii[c] = ESCAPE_CUSTOM;
        }
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 0x80 || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}
