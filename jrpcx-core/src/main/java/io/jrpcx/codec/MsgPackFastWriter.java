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
    }
  }

  /** A str header and {@code utf8}: the bytes of a map key. */
  static byte[] strBytes(byte[] utf8) {
    MsgPackFastWriter w = new MsgPackFastWriter();
    w.strHeader(utf8.length);
    w.raw(utf8);
    return Arrays.copyOf(w.buf, w.pos);
  }

  private void writeBean(MsgPackBinding b, Object bean, ClassValue<MsgPackBinding> bindings,
      int depth) throws ReflectiveOperationException {
    if (depth > MsgPackFastPath.MAX_DEPTH) {
      throw MsgPackFastPath.FALLBACK; // deep or cyclic: Jackson's own handling and errors
    }
    Property[] props = b.properties;
    mapHeader(props.length);
    for (Property p : props) {
      raw(p.key);
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

  private void writeReference(Property p, Object v, ClassValue<MsgPackBinding> bindings,
      int depth) throws ReflectiveOperationException {
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
      case BYTES: {
        byte[] bytes = (byte[]) v;
        binHeader(bytes.length);
        raw(bytes);
        break;
      }
      case INTS: {
        int[] a = (int[]) v;
        arrayHeader(a.length);
        for (int x : a) {
          writeLong(x);
        }
        break;
      }
      case LONGS: {
        long[] a = (long[]) v;
        arrayHeader(a.length);
        for (long x : a) {
          writeLong(x);
        }
        break;
      }
      case BEAN: {
        // Jackson writes what the value is, not what the field declares: a subclass's properties.
        MsgPackBinding nested = v.getClass() == p.beanType ? p.beanBinding(bindings)
            : bindings.get(v.getClass());
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
   * UTF-8 with the smallest str header for its length. A lone surrogate is left to Jackson, whose
   * encoder's handling of it is its own business.
   */
  void writeString(String s) {
    int n = s.length();
    int utf8 = n;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        utf8 = utf8Length(s, i);
        break;
      }
    }
    strHeader(utf8);
    ensure(utf8);
    byte[] b = buf;
    int p = pos;
    if (utf8 == n) {
      for (int i = 0; i < n; i++) {
        b[p++] = (byte) s.charAt(i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          b[p++] = (byte) c;
        } else if (c < 0x800) {
          b[p++] = (byte) (0xc0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c)) {
          int cp = Character.toCodePoint(c, s.charAt(++i)); // paired: utf8Length checked
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
    }
    pos = p;
  }

  /** The UTF-8 length of {@code s}, whose chars before {@code from} are ASCII. */
  private static int utf8Length(String s, int from) {
    int len = from;
    int n = s.length();
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        len++;
      } else if (c < 0x800) {
        len += 2;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          len += 4;
          i++;
        } else {
          throw MsgPackFastPath.FALLBACK;
        }
      } else {
        len += 3;
      }
    }
    return len;
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
