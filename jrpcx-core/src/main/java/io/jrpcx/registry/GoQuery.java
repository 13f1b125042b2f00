package io.jrpcx.registry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go's URL query strings, byte for byte: rpcx carries node metadata ({@code weight=10&group=g1})
 * in registries, TXT records and the gateway's {@code X-RPCX-Meta} header in this form, and Go
 * peers compare and parse what Java writes.
 *
 * <ul>
 *   <li>{@link #escape} is {@code url.QueryEscape}: the unreserved bytes {@code A-Z a-z 0-9 - _ .
 *       ~} stay, a space becomes {@code +}, every other byte of the UTF-8 form becomes {@code %XX}
 *       with upper-case hex, {@code *} included. {@link java.net.URLEncoder} differs on {@code *}
 *       (kept) and {@code ~} (escaped).
 *   <li>{@link #encode} is {@code url.Values.Encode}: keys sorted by their UTF-16 order (the same
 *       as Go's byte order for the ASCII keys rpcx uses), the values of one key in order, each
 *       pair {@code escape(key)=escape(value)}, joined by {@code &}.
 *   <li>{@link #parse} is {@code url.ParseQuery} since Go 1.17: pairs split at {@code &}, empty
 *       pairs skipped, a pair without {@code =} has the empty value, a {@code ;} anywhere is an
 *       error.
 * </ul>
 */
public final class GoQuery {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private GoQuery() {}

  /** Go's {@code url.QueryEscape}. */
  public static String escape(String s) {
    StringBuilder sb = null;
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      if (unreserved(c)) {
        if (sb != null) {
          sb.append((char) c);
        }
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(bytes.length + 16).append(s, 0, i); // the bytes so far are ASCII
      }
      if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static boolean unreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '~';
  }

  /**
   * Go's {@code url.QueryUnescape}: {@code +} is a space, {@code %XX} a byte (either case of hex).
   *
   * @throws IllegalArgumentException at a {@code %} not followed by two hex digits, with Go's
   *     message ({@code invalid URL escape "%zz"})
   */
  public static String unescape(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
          String bad = s.substring(i, Math.min(s.length(), i + 3));
          throw new IllegalArgumentException("invalid URL escape \"" + bad + "\"");
        }
        out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
        i += 3;
      } else if (c == '+') {
        out.write(' ');
        i++;
      } else {
        int end = i + 1;
        while (end < s.length() && s.charAt(end) != '%' && s.charAt(end) != '+') {
          end++;
        }
        out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Go's {@code url.Values.Encode}; a key with no values is left out, as in Go. */
  public static String encode(Map<String, ? extends Collection<String>> values) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, ? extends Collection<String>> e : new TreeMap<>(values).entrySet()) {
      String key = escape(e.getKey());
      for (String v : e.getValue()) {
        if (sb.length() > 0) {
          sb.append('&');
        }
        sb.append(key).append('=').append(escape(v));
      }
    }
    return sb.toString();
  }

  /** {@link #encode} of a map with one value per key, as metadata maps hold them. */
  public static String encodeSingle(Map<String, String> values) {
    Map<String, List<String>> multi = new TreeMap<>();
    values.forEach((k, v) -> multi.put(k, List.of(v)));
    return encode(multi);
  }

  /**
   * Go's {@code url.ParseQuery}: every key with its values in order, keys in order of first
   * appearance; unmodifiable.
   *
   * @throws IllegalArgumentException when Go returns an error: a {@code ;} in the query or a bad
   *     escape. Go then still returns the other pairs; rpcx discards them with the error, and so
   *     do the callers here.
   */
  public static Map<String, List<String>> parse(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    int from = 0;
    while (from <= query.length() && !query.isEmpty()) {
      int amp = query.indexOf('&', from);
      int to = amp < 0 ? query.length() : amp;
      String pair = query.substring(from, to);
      if (pair.indexOf(';') >= 0) {
        throw new IllegalArgumentException("invalid semicolon separator in query");
      }
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        String k = unescape(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : unescape(pair.substring(eq + 1));
        out.computeIfAbsent(k, x -> new ArrayList<>(1)).add(v);
      }
      if (amp < 0) {
        break;
      }
      from = amp + 1;
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(out);
  }

  /** {@link #parse}, or an empty map where Go returns an error, as rpcx treats such metadata. */
  public static Map<String, List<String>> parseOrEmpty(String query) {
    try {
      return parse(query);
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
  }
}
