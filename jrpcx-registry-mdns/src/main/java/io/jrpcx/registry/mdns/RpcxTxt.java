package io.jrpcx.registry.mdns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrpcx.registry.GoQuery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The TXT record rpcx's mDNS plugin announces: the services of one server as a JSON array of
 * {@code {"service","meta","service_address"}} objects, URL-query-escaped, in one TXT string. The
 * bytes match Go's: {@code encoding/json} field order, {@code omitempty}, its HTML-safe escaping
 * of {@code < > &} as {@code \u003c \u003e \u0026}, and {@code url.QueryEscape}.
 *
 * <p>A DNS TXT string holds at most 255 bytes and Go writes the whole array into one string,
 * never splitting it: Go's miekg/dns cannot even pack a longer one, so a Go server with a longer
 * text announces nothing, and Go's client reads only the first string. {@link #fit} therefore
 * keeps the text in one string and leaves out the services that do not fit.
 */
final class RpcxTxt {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_STRING = 255;

  private RpcxTxt() {}

  /** One entry of the array. */
  record Entry(String service, String meta, String serviceAddress) {}

  /** The escaped text, as Go's plugin builds it, before it becomes TXT strings. */
  static String text(List<Entry> entries) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (i > 0) {
        json.append(',');
      }
      json.append('{');
      boolean first = true;
      first = field(json, first, "service", e.service());
      first = field(json, first, "meta", e.meta());
      field(json, first, "service_address", e.serviceAddress());
      json.append('}');
    }
    return GoQuery.escape(json.append(']').toString());
  }

  /** What one TXT string can carry: the text and the services left out to keep it so. */
  record Fit(byte[] string, List<String> leftOut) {}

  /**
   * The TXT string Go's client can read: the escaped text of as many whole services as fit 255
   * bytes, taken in registration order; a service that does not fit is left out and the later
   * ones are still tried, so a long service does not hide the short ones after it.
   */
  static Fit fit(List<Entry> entries) {
    List<Entry> kept = new ArrayList<>(entries.size());
    List<String> leftOut = new ArrayList<>();
    String text = text(kept);
    for (Entry e : entries) {
      kept.add(e);
      String with = text(kept);
      if (with.length() <= MAX_STRING) {
        text = with;
      } else {
        kept.remove(kept.size() - 1);
        leftOut.add(e.service());
      }
    }
    return new Fit(text.getBytes(StandardCharsets.US_ASCII), List.copyOf(leftOut));
  }

  /**
   * The TXT RDATA Go writes: {@link #text} as one length-prefixed string.
   *
   * @throws IllegalArgumentException when the text is longer than 255 bytes, which Go cannot
   *     send either (see {@link #fit})
   */
  static byte[] rdata(List<Entry> entries) {
    byte[] text = text(entries).getBytes(StandardCharsets.US_ASCII); // escaped: ASCII only
    if (text.length > MAX_STRING) {
      throw new IllegalArgumentException(
          "TXT text of " + text.length + " bytes does not fit " + "one TXT string");
    }
    byte[] out = new byte[text.length + 1];
    out[0] = (byte) text.length;
    System.arraycopy(text, 0, out, 1, text.length);
    return out;
  }

  /**
   * The entries of a TXT RDATA, its strings joined first (jrpcx before 0.1 split long text
   * over several strings; Go never writes more than one).
   *
   * @throws IOException when the text is not escaped JSON of that shape
   */
  static List<Entry> parse(byte[] rdata) throws IOException {
    List<byte[]> strings = new ArrayList<>();
    for (int i = 0; rdata != null && i < rdata.length; ) {
      int n = rdata[i] & 0xff;
      if (i + 1 + n > rdata.length) {
        throw new IOException("TXT string overruns the record");
      }
      strings.add(java.util.Arrays.copyOfRange(rdata, i + 1, i + 1 + n));
      i += 1 + n;
    }
    return parse(strings);
  }

  /** The entries of the strings of a TXT record, joined. */
  static List<Entry> parse(List<byte[]> strings) throws IOException {
    StringBuilder text = new StringBuilder();
    for (byte[] s : strings) {
      text.append(new String(s, StandardCharsets.UTF_8));
    }
    String json;
    try {
      json = GoQuery.unescape(text.toString());
    } catch (IllegalArgumentException e) {
      throw new IOException("TXT is not query-escaped: " + e.getMessage());
    }
    JsonNode array = JSON.readTree(json);
    if (array == null || !array.isArray()) {
      throw new IOException("TXT is not a JSON array");
    }
    List<Entry> out = new ArrayList<>(array.size());
    for (JsonNode n : array) {
      out.add(
          new Entry(
              n.path("service").asText(""),
              n.path("meta").asText(""),
              n.path("service_address").asText("")));
    }
    return out;
  }

  private static boolean field(StringBuilder json, boolean first, String name, String value) {
    if (value == null || value.isEmpty()) {
      return first; // omitempty
    }
    if (!first) {
      json.append(',');
    }
    json.append('"').append(name).append("\":");
    jsonString(json, value);
    return false;
  }

  /** A JSON string as Go's {@code encoding/json} writes it by default (HTML-safe). */
  static void jsonString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
