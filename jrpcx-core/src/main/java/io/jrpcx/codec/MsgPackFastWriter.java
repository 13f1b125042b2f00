package io.jrpcx.codec;

import io.jrpcx.codec.MsgPackBinding.Property;
import java.lang.reflect.Field;
import java.util.Arrays;

/**
 * Writes plain objects as msgpack straight into a byte array, in exactly the forms
 * jackson-dataformat-msgpack writes them: integers in their smallest form, {@code float} as
 * float32 and {@code double} as float64 (raw bits), strings as str with the smallest header for
 * their UTF-8 length, {@code byte[]} as bin, null as nil, objects as maps in Jackson's property
 * order. One instance per thread, reused: only the result is allocated.
 */
final class MsgPackFastWriter {
  /** Scratch kept per thread up to this size; a larger message gets a buffer of its own. */
  private static final int MAX_RETAINED = 64 << 10;

  private static final ThreadLocal<MsgPackFastWriter> WRITERS =
      ThreadLocal.withInitial(MsgPackFastWriter::new);

  private byte[] buf = new byte[1024];
  private int pos;

  /** A string's chars, copied out at once: cheaper than charAt per char. */
  private char[] chars = new char[256];

  /** The msgpack of {@code bean}; throws {@link MsgPackFastPath#FALLBACK} to leave it to Jackson. */
  static byte[] write(MsgPackBinding binding, Object bean, ClassValue<MsgPackBinding> bindings)
      throws ReflectiveOperationException {
    MsgPackFastWriter w = WRITERS.get();
    w.pos = 0;
    try {
      w.writeBean(binding, bean, bindings, 0);
      return Arrays.copyOf(w.buf, w.pos);
    } finally {
      if (w.buf.length > MAX_RETAINED) {
        w.buf = new byte[1024];
      }
      if (w.chars.length > MAX_RETAINED) {
        w.chars = new char[256];
      }
    }
  }

  /** A str header and {@code utf8}: the bytes of a map key. */
  static byte[] strBytes(byte[] utf8) {
    MsgPackFastWriter w = new MsgPackFastWriter();
    w.strHeader(utf8.length);
    w.raw(utf8);
    return Arrays.copyOf(w.buf, w.pos);
  }

  private void writeBean(
      MsgPackBinding b, Object bean, ClassValue<MsgPackBinding> bindings, int depth)
      throws ReflectiveOperationException {
    if (depth > MsgPackFastPath.MAX_DEPTH) {
      throw MsgPackFastPath.FALLBACK; // deep or cyclic: Jackson's own handling and errors
    }
    Property[] props = b.properties;
    mapHeader(props.length);
    for (Property p : props) {
      byte[] key = p.key;
      ensure(key.length);
      byte[] out = buf;
      int at = pos;
      for (int i = 0; i < key.length; i++) { // keys are short: a loop beats arraycopy's set-up
        out[at + i] = key[i];
      }
      pos = at + key.length;
      Field f = p.field;
      switch (p.kind) {
        case INT:
          writeLong(f.getInt(bean));
          break;
        case LONG:
          writeLong(f.getLong(bean));
          break;
        case SHORT:
          writeLong(f.getShort(bean));
          break;
        case BYTE:
          writeLong(f.getByte(bean));
          break;
        case BOOLEAN:
          writeBoolean(f.getBoolean(bean));
          break;
        case DOUBLE:
          writeDouble(f.getDouble(bean));
          break;
        case FLOAT:
          writeFloat(f.getFloat(bean));
          break;
        default:
          writeReference(p, f.get(bean), bindings, depth);
      }
    }
  }

  private void writeReference(Property p, Object v, ClassValue<MsgPackBinding> bindings, int depth)
      throws ReflectiveOperationException {
    if (v == null) {
      ensure(1);
      buf[pos++] = (byte) 0xc0;
      return;
    }
    switch (p.kind) {
      case BOXED_INT:
      case BOXED_LONG:
      case BOXED_SHORT:
      case BOXED_BYTE:
        writeLong(((Number) v).longValue());
        break;
      case BOXED_BOOLEAN:
        writeBoolean((Boolean) v);
        break;
      case BOXED_DOUBLE:
        writeDouble((Double) v);
        break;
      case BOXED_FLOAT:
        writeFloat((Float) v);
        break;
      case STRING:
        writeString((String) v);
        break;
      case BYTES:
        {
          byte[] bytes = (byte[]) v;
          binHeader(bytes.length);
          raw(bytes);
          break;
        }
      case INTS:
        {
          int[] a = (int[]) v;
          arrayHeader(a.length);
          for (int x : a) {
            writeLong(x);
          }
          break;
        }
      case LONGS:
        {
          long[] a = (long[]) v;
          arrayHeader(a.length);
          for (long x : a) {
            writeLong(x);
          }
          break;
        }
      case BEAN:
        {
          // Jackson writes what the value is, not what the field declares: a subclass's properties.
          MsgPackBinding nested =
              v.getClass() == p.beanType ? p.beanBinding(bindings) : bindings.get(v.getClass());
          if (!nested.isPlain()) {
            throw MsgPackFastPath.FALLBACK;
          }
          writeBean(nested, v, bindings, depth + 1);
          break;
        }
      default:
        throw new AssertionError(p.kind);
    }
  }

  private void ensure(int n) {
    if (buf.length - pos < n) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  private void raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  /** msgpack-core's packLong (and packInt, packShort: the same forms over their ranges). */
  void writeLong(long v) {
    ensure(9);
    byte[] b = buf;
    int p = pos;
    if (v >= -32) {
      if (v < 128) {
        b[p++] = (byte) v;
      } else if (v < 256) {
        b[p++] = (byte) 0xcc;
        b[p++] = (byte) v;
      } else if (v < 65536) {
        b[p++] = (byte) 0xcd;
        p = put16(b, p, (int) v);
      } else if (v < (1L << 32)) {
        b[p++] = (byte) 0xce;
        p = put32(b, p, (int) v);
      } else {
        b[p++] = (byte) 0xcf;
        p = put64(b, p, v);
      }
    } else if (v >= -128) {
      b[p++] = (byte) 0xd0;
      b[p++] = (byte) v;
    } else if (v >= -32768) {
      b[p++] = (byte) 0xd1;
      p = put16(b, p, (int) v);
    } else if (v >= Integer.MIN_VALUE) {
      b[p++] = (byte) 0xd2;
      p = put32(b, p, (int) v);
    } else {
      b[p++] = (byte) 0xd3;
      p = put64(b, p, v);
    }
    pos = p;
  }

  private void writeBoolean(boolean v) {
    ensure(1);
    buf[pos++] = v ? (byte) 0xc3 : (byte) 0xc2;
  }

  private void writeFloat(float v) {
    ensure(5);
    buf[pos] = (byte) 0xca;
    pos = put32(buf, pos + 1, Float.floatToRawIntBits(v));
  }

  private void writeDouble(double v) {
    ensure(9);
    buf[pos] = (byte) 0xcb;
    pos = put64(buf, pos + 1, Double.doubleToRawLongBits(v));
  }

  /**
   * UTF-8 with the smallest str header for its length, in one pass over the chars: the body goes
   * after room for the header its worst case (3 bytes a char) needs, and moves back when the
   * actual length takes a shorter one. A lone surrogate is left to Jackson, whose encoder's
   * handling of it is its own business.
   */
  void writeString(String s) {
    int n = s.length();
    if (n > (Integer.MAX_VALUE - 16) / 3) {
      throw MsgPackFastPath.FALLBACK;
    }
    if (chars.length < n) {
      chars = new char[Math.max(n, chars.length * 2)];
    }
    char[] cs = chars;
    s.getChars(0, n, cs, 0);
    int room = strHeaderLength(n * 3);
    ensure(room + n * 3);
    byte[] b = buf;
    int start = pos + room;
    int p = start;
    for (int i = 0; i < n; i++) {
      char c = cs[i];
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(cs[i + 1])) {
          throw MsgPackFastPath.FALLBACK;
        }
        int cp = Character.toCodePoint(c, cs[++i]);
        b[p++] = (byte) (0xf0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (cp & 0x3f));
      } else {
        b[p++] = (byte) (0xe0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    int len = p - start;
    int header = strHeaderLength(len);
    if (header != room) {
      System.arraycopy(b, start, b, pos + header, len);
    }
    strHeader(len);
    pos += len;
  }

  private static int strHeaderLength(int len) {
    return len < 32 ? 1 : len < 256 ? 2 : len < 65536 ? 3 : 5;
  }

  private void strHeader(int len) {
    ensure(5);
    if (len < 32) {
      buf[pos++] = (byte) (0xa0 | len);
    } else {
      header(len, 0xd9, 0xda, 0xdb, true);
    }
  }

  private void binHeader(int len) {
    ensure(5);
    header(len, 0xc4, 0xc5, 0xc6, true);
  }

  private void arrayHeader(int n) {
    ensure(5);
    if (n < 16) {
      buf[pos++] = (byte) (0x90 | n);
    } else {
      header(n, 0, 0xdc, 0xdd, false);
    }
  }

  private void mapHeader(int n) {
    ensure(5);
    if (n < 16) {
      buf[pos++] = (byte) (0x80 | n);
    } else {
      header(n, 0, 0xde, 0xdf, false);
    }
  }

  /** An 8-bit (when {@code has8}), 16-bit or 32-bit length after its format byte. */
  private void header(int len, int f8, int f16, int f32, boolean has8) {
    if (has8 && len < 256) {
      buf[pos++] = (byte) f8;
      buf[pos++] = (byte) len;
    } else if (len < 65536) {
      buf[pos++] = (byte) f16;
      pos = put16(buf, pos, len);
    } else {
      buf[pos++] = (byte) f32;
      pos = put32(buf, pos, len);
    }
  }

  private static int put16(byte[] b, int p, int v) {
    b[p] = (byte) (v >> 8);
    b[p + 1] = (byte) v;
    return p + 2;
  }

  private static int put32(byte[] b, int p, int v) {
    b[p] = (byte) (v >> 24);
    b[p + 1] = (byte) (v >> 16);
    b[p + 2] = (byte) (v >> 8);
    b[p + 3] = (byte) v;
    return p + 4;
  }

  private static int put64(byte[] b, int p, long v) {
    put32(b, p, (int) (v >> 32));
    return put32(b, p + 4, (int) v);
  }
}
