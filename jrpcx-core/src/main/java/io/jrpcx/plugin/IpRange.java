package io.jrpcx.plugin;

import java.util.Arrays;
import java.util.Locale;

/**
 * One IPv4 or IPv6 address or CIDR block, parsed from text without any name lookup: a string that
 * is not an address literal is an error, never a host name to resolve.
 *
 * <p>Accepted: dotted-quad IPv4 ({@code 192.0.2.7}, no leading zeros, like Go's
 * {@code net.ParseIP}); IPv6 with one optional {@code ::} and an optional dotted-quad tail
 * ({@code 2001:db8::1}, {@code ::ffff:192.0.2.7}), without zone; either followed by
 * {@code /prefix}. Host bits under the prefix are ignored ({@code 10.1.2.3/8} is
 * {@code 10.0.0.0/8}), as Go's {@code net.ParseCIDR} does. IPv4-mapped IPv6 addresses
 * ({@code ::ffff:a.b.c.d}) are the IPv4 address they map, so {@code ::ffff:10.0.0.0/104} is
 * {@code 10.0.0.0/8}.
 */
final class IpRange {
  private final boolean v6;
  private final long hi;
  private final long lo;
  private final long maskHi;
  private final long maskLo;
  private final String text;

  private IpRange(boolean v6, long hi, long lo, int prefix, String text) {
    this.v6 = v6;
    int bits = v6 ? 128 : 32;
    if (v6) {
      maskHi = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
      maskLo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    } else {
      maskHi = 0;
      maskLo = prefix == 0 ? 0 : (0xFFFF_FFFFL << (bits - prefix)) & 0xFFFF_FFFFL;
    }
    this.hi = hi & maskHi;
    this.lo = lo & maskLo;
    this.text = text;
  }

  /**
   * Parses {@code ip} or {@code ip/prefix}.
   *
   * @throws IllegalArgumentException when it is not an IPv4 or IPv6 literal with a valid prefix
   */
  static IpRange parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = parseAddress(address);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "not an IP address or CIDR block: '" + text + "' (host names are not resolved)");
    }
    boolean mapped = bytes.length == 16 && isV4Mapped(bytes);
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      prefix = parsePrefix(s.substring(slash + 1), bits);
      if (prefix < 0) {
        throw new IllegalArgumentException(
            "bad prefix length in '" + text + "': expected 0.." + bits);
      }
    }
    if (mapped) {
      if (prefix < 96) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is an IPv4-mapped block shorter than"
                + " /96, which would mix IPv4 and IPv6 addresses; write it as two blocks");
      }
      bytes = Arrays.copyOfRange(bytes, 12, 16);
      prefix -= 96;
    }
    return of(bytes, prefix, s.toLowerCase(Locale.ROOT));
  }

  /** Whether {@code address} (4 or 16 bytes, IPv4-mapped IPv6 taken as IPv4) is in this range. */
  boolean contains(byte[] address) {
    if (address.length == 16 && isV4Mapped(address)) {
      address = Arrays.copyOfRange(address, 12, 16);
    }
    if (address.length == 4) {
      return !v6 && ((toLong(address, 0, 4) ^ lo) & maskLo) == 0;
    }
    if (address.length == 16) {
      return v6
          && ((toLong(address, 0, 8) ^ hi) & maskHi) == 0
          && ((toLong(address, 8, 8) ^ lo) & maskLo) == 0;
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }

  private static IpRange of(byte[] bytes, int prefix, String text) {
    if (bytes.length == 4) {
      return new IpRange(false, 0, toLong(bytes, 0, 4), prefix, text);
    }
    return new IpRange(true, toLong(bytes, 0, 8), toLong(bytes, 8, 8), prefix, text);
  }

  private static long toLong(byte[] b, int from, int length) {
    long v = 0;
    for (int i = from; i < from + length; i++) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }

  static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
  }

  private static int parsePrefix(String s, int bits) {
    if (s.isEmpty() || s.length() > 3) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9' || (i == 0 && c == '0' && s.length() > 1)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= bits ? v : -1;
  }

  /** 4 or 16 bytes, or null when {@code s} is not an IP literal. Never looks a name up. */
  static byte[] parseAddress(String s) {
    if (s.indexOf(':') >= 0) {
      return parseV6(s);
    }
    byte[] out = new byte[4];
    return parseV4(s, out, 0) ? out : null;
  }

  private static boolean parseV4(String s, byte[] out, int offset) {
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || part == 4) {
          return false;
        }
        out[offset + part++] = (byte) value;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return false; // leading zero: octal in some parsers, refused by Go
        }
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return false;
        }
      } else {
        return false;
      }
    }
    return part == 4;
  }

  private static byte[] parseV6(String s) {
    byte[] out = new byte[16];
    int ellipsis = s.indexOf("::");
    if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
      return null;
    }
    String head = ellipsis < 0 ? s : s.substring(0, ellipsis);
    String tail = ellipsis < 0 ? "" : s.substring(ellipsis + 2);
    byte[] headBytes = groups(head, ellipsis < 0);
    byte[] tailBytes = groups(tail, true);
    if (headBytes == null || tailBytes == null) {
      return null;
    }
    if (ellipsis < 0) {
      return headBytes.length == 16 ? headBytes : null;
    }
    if (headBytes.length + tailBytes.length > 14) {
      return null; // "::" stands for at least one group
    }
    System.arraycopy(headBytes, 0, out, 0, headBytes.length);
    System.arraycopy(tailBytes, 0, out, 16 - tailBytes.length, tailBytes.length);
    return out;
  }

  /** The bytes of colon-separated hex groups, an IPv4 tail allowed when {@code last}. */
  private static byte[] groups(String part, boolean last) {
    if (part.isEmpty()) {
      return new byte[0];
    }
    String[] pieces = part.split(":", -1);
    byte[] out = new byte[18];
    int n = 0;
    for (int i = 0; i < pieces.length; i++) {
      String p = pieces[i];
      if (last && i == pieces.length - 1 && p.indexOf('.') >= 0) {
        if (n + 4 > 16 || !parseV4(p, out, n)) {
          return null;
        }
        n += 4;
        continue;
      }
      if (p.isEmpty() || p.length() > 4 || n + 2 > 16) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        int d = hexDigit(p.charAt(j));
        if (d < 0) {
          return null;
        }
        v = (v << 4) | d;
      }
      out[n++] = (byte) (v >>> 8);
      out[n++] = (byte) v;
    }
    return Arrays.copyOf(out, n);
  }

  /** An ASCII hex digit's value or -1 ({@link Character#digit} takes other scripts' digits). */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
