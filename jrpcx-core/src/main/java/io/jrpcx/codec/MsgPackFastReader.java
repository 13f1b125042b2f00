package io.jrpcx.codec;

import io.jrpcx.codec.MsgPackBinding.Property;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads msgpack straight into plain objects, taking only the paths where the result is certain to
 * be what Jackson (through {@link RangeCheckedMessagePackFactory}) would build: a map into a bean,
 * an integer of any width into an integer field it fits, a bool into a boolean, a float32 or
 * float64 into a float or double, a str into a String, a bin into a byte[], an array of integers
 * into an int[] or long[], nil into a reference field. Every other case (another type for a field,
 * an out-of-range number, nil into a primitive, a key that is not a str, malformed or truncated
 * input, trailing bytes, nesting deeper than {@link MsgPackFastPath#MAX_DEPTH}) throws
 * {@link MsgPackFastPath#FALLBACK} and the whole payload goes to Jackson, so its results, lenient
 * coercions and error messages stay exactly Jackson's.
 *
 * <p>Every length is checked against the bytes left before anything is allocated, and only the
 * classes the caller declares are instantiated.
 */
final class MsgPackFastReader {
  private static final ThreadLocal<char[]> CHARS = ThreadLocal.withInitial(() -> new char[256]);

  private final byte[] d;

  /** Scratch for decoding non-ASCII strs, fetched on the first one. */
  private char[] chars;

  private final ClassValue<MsgPackBinding> bindings;
  private final Locale locale;
  private int pos;

  private MsgPackFastReader(byte[] data, ClassValue<MsgPackBinding> bindings, Locale locale) {
    this.d = data;
    this.bindings = bindings;
    this.locale = locale;
  }

  /** The whole of {@code data} as one {@code binding} (or nil), or {@link MsgPackFastPath#FALLBACK}. */
  static Object read(
      byte[] data, MsgPackBinding binding, ClassValue<MsgPackBinding> bindings, Locale locale)
      throws ReflectiveOperationException {
    MsgPackFastReader r = new MsgPackFastReader(data, bindings, locale);
    Object result;
    if ((data[0] & 0xff) == 0xc0) {
      r.pos = 1;
      result = null;
    } else {
      result = r.readBean(binding, 0);
    }
    if (r.pos != data.length) {
      throw MsgPackFastPath.FALLBACK; // trailing bytes: Jackson's call
    }
    return result;
  }

  private Object readBean(MsgPackBinding b, int depth) throws ReflectiveOperationException {
    if (depth > MsgPackFastPath.MAX_DEPTH) {
      throw MsgPackFastPath.FALLBACK;
    }
    int n = mapHeader();
    if (n > (d.length - pos) / 2) {
      throw MsgPackFastPath.FALLBACK; // each entry takes at least two bytes
    }
    Object bean = b.constructor.newInstance();
    Property[] props = b.properties;
    int hint = 0;
    for (int i = 0; i < n; i++) {
      int keyLen = strHeader();
      need(keyLen);
      int idx = b.indexOf(d, pos, keyLen, hint);
      if (idx < 0) {
        idx = b.indexOfLowerCase(string(pos, keyLen).toLowerCase(locale));
      }
      pos += keyLen;
      if (idx < 0) {
        skip(depth + 1); // unknown: ignored, as Jackson is configured to
        continue;
      }
      readProperty(props[idx], bean, depth);
      hint = idx + 1;
    }
    return bean;
  }

  private void readProperty(Property p, Object bean, int depth)
      throws ReflectiveOperationException {
    Field f = p.field;
    need(1);
    int t = d[pos] & 0xff;
    if (t == 0xc0) {
      if (p.field.getType().isPrimitive()) {
        throw MsgPackFastPath.FALLBACK;
      }
      pos++;
      f.set(bean, null);
      return;
    }
    switch (p.kind) {
      case INT:
        f.setInt(bean, (int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
        break;
      case LONG:
        f.setLong(bean, integer(Long.MIN_VALUE, Long.MAX_VALUE));
        break;
      case SHORT:
        f.setShort(bean, (short) integer(Short.MIN_VALUE, Short.MAX_VALUE));
        break;
      case BYTE:
        f.setByte(bean, (byte) integer(Byte.MIN_VALUE, 255)); // Jackson takes 128..255 as unsigned
        break;
      case BOOLEAN:
        f.setBoolean(bean, bool());
        break;
      case DOUBLE:
        f.setDouble(bean, floating());
        break;
      case FLOAT:
        f.setFloat(bean, (float) floating());
        break;
      case BOXED_INT:
        f.set(bean, (int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
        break;
      case BOXED_LONG:
        f.set(bean, integer(Long.MIN_VALUE, Long.MAX_VALUE));
        break;
      case BOXED_SHORT:
        f.set(bean, (short) integer(Short.MIN_VALUE, Short.MAX_VALUE));
        break;
      case BOXED_BYTE:
        f.set(bean, (byte) integer(Byte.MIN_VALUE, 255));
        break;
      case BOXED_BOOLEAN:
        f.set(bean, bool());
        break;
      case BOXED_DOUBLE:
        f.set(bean, floating());
        break;
      case BOXED_FLOAT:
        f.set(bean, (float) floating());
        break;
      case STRING:
        {
          int len = strHeader();
          need(len);
          f.set(bean, string(pos, len));
          pos += len;
          break;
        }
      case BYTES:
        {
          int len = binHeader();
          need(len);
          f.set(bean, Arrays.copyOfRange(d, pos, pos + len));
          pos += len;
          break;
        }
      case INTS:
        {
          int[] a = new int[arrayHeader()];
          for (int i = 0; i < a.length; i++) {
            a[i] = (int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
          }
          f.set(bean, a);
          break;
        }
      case LONGS:
        {
          long[] a = new long[arrayHeader()];
          for (int i = 0; i < a.length; i++) {
            a[i] = integer(Long.MIN_VALUE, Long.MAX_VALUE);
          }
          f.set(bean, a);
          break;
        }
      case BEAN:
        f.set(bean, readBean(p.beanBinding(bindings), depth + 1));
        break;
      default:
        throw new AssertionError(p.kind);
    }
  }

  /** Fails over to Jackson unless {@code n} more bytes are there. */
  private void need(int n) {
    if (n < 0 || d.length - pos < n) {
      throw MsgPackFastPath.FALLBACK;
    }
  }

  private int u8() {
    need(1);
    return d[pos++] & 0xff;
  }

  private int u16() {
    need(2);
    int v = ((d[pos] & 0xff) << 8) | (d[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  private int i32() {
    need(4);
    int v =
        ((d[pos] & 0xff) << 24)
            | ((d[pos + 1] & 0xff) << 16)
            | ((d[pos + 2] & 0xff) << 8)
            | (d[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  private long i64() {
    long hi = i32();
    return (hi << 32) | (i32() & 0xffffffffL);
  }

  /** A 32-bit length, which Java cannot hold above 2^31 - 1. */
  private int len32() {
    int n = i32();
    if (n < 0) {
      throw MsgPackFastPath.FALLBACK;
    }
    return n;
  }

  /** Any msgpack integer within [min, max]; anything else is Jackson's to accept or refuse. */
  private long integer(long min, long max) {
    int t = u8();
    long v;
    if (t <= 0x7f) {
      v = t;
    } else if (t >= 0xe0) {
      v = (byte) t;
    } else {
      switch (t) {
        case 0xcc:
          v = u8();
          break;
        case 0xcd:
          v = u16();
          break;
        case 0xce:
          v = i32() & 0xffffffffL;
          break;
        case 0xcf:
          v = i64();
          if (v < 0) {
            throw MsgPackFastPath.FALLBACK; // above Long.MAX_VALUE
          }
          break;
        case 0xd0:
          v = (byte) u8();
          break;
        case 0xd1:
          v = (short) u16();
          break;
        case 0xd2:
          v = i32();
          break;
        case 0xd3:
          v = i64();
          break;
        default:
          throw MsgPackFastPath.FALLBACK;
      }
    }
    if (v < min || v > max) {
      throw MsgPackFastPath.FALLBACK;
    }
    return v;
  }

  private boolean bool() {
    int t = u8();
    if (t == 0xc3) {
      return true;
    } else if (t == 0xc2) {
      return false;
    }
    throw MsgPackFastPath.FALLBACK;
  }

  /** float32 widened as msgpack-core's unpackDouble does, or float64. */
  private double floating() {
    int t = u8();
    if (t == 0xca) {
      return (double) Float.intBitsToFloat(i32());
    } else if (t == 0xcb) {
      return Double.longBitsToDouble(i64());
    }
    throw MsgPackFastPath.FALLBACK;
  }

  private int strHeader() {
    int t = u8();
    if ((t & 0xe0) == 0xa0) {
      return t & 0x1f;
    }
    switch (t) {
      case 0xd9:
        return u8();
      case 0xda:
        return u16();
      case 0xdb:
        return len32();
      default:
        throw MsgPackFastPath.FALLBACK;
    }
  }

  private int binHeader() {
    switch (u8()) {
      case 0xc4:
        return u8();
      case 0xc5:
        return u16();
      case 0xc6:
        return len32();
      default:
        throw MsgPackFastPath.FALLBACK;
    }
  }

  /** An array's element count, each element taking at least one of the bytes left. */
  private int arrayHeader() {
    int t = u8();
    int n;
    if ((t & 0xf0) == 0x90) {
      n = t & 0x0f;
    } else if (t == 0xdc) {
      n = u16();
    } else if (t == 0xdd) {
      n = len32();
    } else {
      throw MsgPackFastPath.FALLBACK;
    }
    need(n);
    return n;
  }

  private int mapHeader() {
    int t = u8();
    if ((t & 0xf0) == 0x80) {
      return t & 0x0f;
    } else if (t == 0xde) {
      return u16();
    } else if (t == 0xdf) {
      return len32();
    }
    throw MsgPackFastPath.FALLBACK;
  }

  /**
   * The str bytes as Jackson's parser decodes them: UTF-8 (see {@link MsgPackFastPath} on the
   * default charset). Well-formed non-ASCII text is decoded here into a reused char array, which
   * allocates less than the JDK's decoder; anything malformed goes to the JDK's decoder, whose
   * replacement of bad sequences is then exactly the parser's.
   */
  private String string(int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end && d[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(d, off, len, StandardCharsets.UTF_8);
    }
    if (chars == null || chars.length < len) {
      chars = scratch(len);
    }
    char[] cs = chars;
    int n = 0;
    for (i = off; i < end; ) {
      int b0 = d[i];
      if (b0 >= 0) {
        cs[n++] = (char) b0;
        i++;
        continue;
      }
      b0 &= 0xff;
      if (b0 >= 0xc2 && b0 <= 0xdf && i + 1 < end && isContinuation(d[i + 1])) {
        cs[n++] = (char) (((b0 & 0x1f) << 6) | (d[i + 1] & 0x3f));
        i += 2;
      } else if (b0 >= 0xe0 && b0 <= 0xef && i + 2 < end && isContinuation(d[i + 2])) {
        int b1 = d[i + 1] & 0xff;
        int lo = b0 == 0xe0 ? 0xa0 : 0x80; // no overlong forms
        int hi = b0 == 0xed ? 0x9f : 0xbf; // no surrogates
        if (b1 < lo || b1 > hi) {
          return new String(d, off, len, StandardCharsets.UTF_8);
        }
        cs[n++] = (char) (((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (d[i + 2] & 0x3f));
        i += 3;
      } else if (b0 >= 0xf0
          && b0 <= 0xf4
          && i + 3 < end
          && isContinuation(d[i + 2])
          && isContinuation(d[i + 3])) {
        int b1 = d[i + 1] & 0xff;
        int lo = b0 == 0xf0 ? 0x90 : 0x80;
        int hi = b0 == 0xf4 ? 0x8f : 0xbf; // up to U+10FFFF
        if (b1 < lo || b1 > hi) {
          return new String(d, off, len, StandardCharsets.UTF_8);
        }
        int cp =
            ((b0 & 0x07) << 18)
                | ((b1 & 0x3f) << 12)
                | ((d[i + 2] & 0x3f) << 6)
                | (d[i + 3] & 0x3f);
        cs[n++] = Character.highSurrogate(cp);
        cs[n++] = Character.lowSurrogate(cp);
        i += 4;
      } else {
        return new String(d, off, len, StandardCharsets.UTF_8);
      }
    }
    return new String(cs, 0, n);
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xc0) == 0x80;
  }

  /** A per-thread char array of at least {@code len}, kept while it is not large. */
  private static char[] scratch(int len) {
    char[] cs = CHARS.get();
    if (cs.length < len) {
      cs = new char[Math.max(len, cs.length * 2)];
      if (cs.length <= (64 << 10)) {
        CHARS.set(cs);
      }
    }
    return cs;
  }

  /**
   * Skips one value of an unknown property. Maps inside must have str keys: how Jackson's
   * msgpack parser treats other keys while skipping is its own business.
   */
  private void skip(int depth) {
    if (depth > MsgPackFastPath.MAX_DEPTH) {
      throw MsgPackFastPath.FALLBACK;
    }
    int t = u8();
    if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
      return;
    }
    if ((t & 0xe0) == 0xa0) {
      advance(t & 0x1f);
      return;
    }
    if ((t & 0xf0) == 0x90) {
      skipItems(t & 0x0f, depth);
      return;
    }
    if ((t & 0xf0) == 0x80) {
      skipEntries(t & 0x0f, depth);
      return;
    }
    switch (t) {
      case 0xcc:
      case 0xd0:
        advance(1);
        break;
      case 0xcd:
      case 0xd1:
        advance(2);
        break;
      case 0xca:
      case 0xce:
      case 0xd2:
        advance(4);
        break;
      case 0xcb:
      case 0xcf:
      case 0xd3:
        advance(8);
        break;
      case 0xd9:
      case 0xc4:
        advance(u8());
        break;
      case 0xda:
      case 0xc5:
        advance(u16());
        break;
      case 0xdb:
      case 0xc6:
        advance(len32());
        break;
      case 0xd4: // fixext 1, 2, 4, 8, 16: type byte and data
        advance(2);
        break;
      case 0xd5:
        advance(3);
        break;
      case 0xd6:
        advance(5);
        break;
      case 0xd7:
        advance(9);
        break;
      case 0xd8:
        advance(17);
        break;
      case 0xc7:
        advance(u8() + 1);
        break;
      case 0xc8:
        advance(u16() + 1);
        break;
      case 0xc9:
        {
          int n = len32();
          if (n == Integer.MAX_VALUE) {
            throw MsgPackFastPath.FALLBACK;
          }
          advance(n + 1);
          break;
        }
      case 0xdc:
        skipItems(u16(), depth);
        break;
      case 0xdd:
        skipItems(len32(), depth);
        break;
      case 0xde:
        skipEntries(u16(), depth);
        break;
      case 0xdf:
        skipEntries(len32(), depth);
        break;
      default:
        throw MsgPackFastPath.FALLBACK; // 0xc1, never used
    }
  }

  private void skipItems(int n, int depth) {
    need(n);
    for (int i = 0; i < n; i++) {
      skip(depth + 1);
    }
  }

  private void skipEntries(int n, int depth) {
    for (int i = 0; i < n; i++) {
      advance(strHeader());
      skip(depth + 1);
    }
  }

  private void advance(int n) {
    need(n);
    pos += n;
  }
}
