package io.jrpcx.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Plain classes, random values for them, and a msgpack writer that picks any valid width (as Go
 * and other peers may), shared by {@link MsgPackFastPathTest} and {@link MsgPackFastPathFuzzTest}.
 */
final class MsgPackSamples {
  private MsgPackSamples() {}

  /** The Go-compatible codec, fast path included. */
  static final MsgPackCodec FAST = new MsgPackCodec();

  /** The same configuration without the fast path: Jackson for everything, the reference. */
  static final MsgPackCodec JACKSON = new MsgPackCodec(MsgPackCodec.newGoCompatibleMapper());

  // ---- plain classes ----------------------------------------------------------------------------

  public static class Scalars {
    public int i;
    public long l;
    public short s;
    public byte b;
    public boolean z;
    public double d;
    public float f;
  }

  public static class Boxes {
    public Integer i;
    public Long l;
    public Short s;
    public Byte b;
    public Boolean z;
    public Double d;
    public Float f;
  }

  public static class Arrays {
    public String text;
    public byte[] bytes;
    public int[] ints;
    public long[] longs;
  }

  public static class Base {
    public int baseA;
    String baseB;
  }

  /** Superclass fields first, then its own; a field of the superclass's type. */
  public static class Derived extends Base {
    public long c;
    public Base inner;
    static int notAProperty;
    transient int notAPropertyEither;
  }

  /** Private fields and a private constructor: Jackson uses them, so does the fast path. */
  public static final class Hidden {
    private String name;
    private int count;
    private Scalars scalars;

    private Hidden() {}
  }

  public static class Node {
    public int value;
    public Node next;
  }

  public static class Empty {}

  /** Initial values that a payload's nil must overwrite, as Jackson does. */
  public static class WithInitialValues {
    public String s = "initial";
    public long[] arr = new long[0];
    public Integer boxed = 7;
    public Scalars nested = new Scalars();
    public int untouched = 42;
  }

  /** The benchmark message's shape: 40 fields of String, int, long, boolean and a long[]. */
  public static class Message1 {
    public String field1;
    public String field9;
    public String field18;
    public boolean field80;
    public boolean field81;
    public int field2;
    public int field3;
    public int field280;
    public int field6;
    public long field22;
    public String field4;
    public long[] field5 = new long[0];
    public boolean field59;
    public String field7;
    public int field16;
    public int field130;
    public boolean field12;
    public boolean field17;
    public boolean field13;
    public boolean field14;
    public int field104;
    public int field100;
    public int field101;
    public String field102;
    public String field103;
    public int field29;
    public boolean field30;
    public int field60;
    public int field271;
    public int field272;
    public int field150;
    public int field23;
    public boolean field24;
    public int field25;
    public boolean field78;
    public int field67;
    public int field68;
    public int field128;
    public String field129;
    public int field131;
  }

  static final List<Class<?>> PLAIN =
      List.of(
          Scalars.class,
          Boxes.class,
          Arrays.class,
          Base.class,
          Derived.class,
          Hidden.class,
          Node.class,
          Empty.class,
          WithInitialValues.class,
          Message1.class);

  // ---- random values ----------------------------------------------------------------------------

  private static final long[] EDGE_LONGS = {
    0,
    1,
    -1,
    31,
    32,
    -32,
    -33,
    127,
    128,
    -128,
    -129,
    255,
    256,
    32767,
    32768,
    -32768,
    -32769,
    65535,
    65536,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    1L + Integer.MAX_VALUE,
    Integer.MIN_VALUE - 1L,
    0xffffffffL,
    1L << 32,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    Long.MIN_VALUE + 1,
    Long.MAX_VALUE - 1
  };
  private static final double[] EDGE_DOUBLES = {
    0.0,
    -0.0,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.MIN_VALUE,
    Double.MAX_VALUE,
    1.5,
    -2.25,
    0.1,
    1e300
  };

  /** Byte lengths where str and bin headers change width, and a little around them. */
  private static final int[] EDGE_LENGTHS = {0, 1, 31, 32, 33, 255, 256, 257, 65535, 65536};

  /** One, two, three and four bytes of UTF-8. */
  private static final String[] UNITS = {"a", "é", "中", "😀"};

  static long anyLong(Random r) {
    switch (r.nextInt(3)) {
      case 0:
        return EDGE_LONGS[r.nextInt(EDGE_LONGS.length)];
      case 1:
        return r.nextLong() >> r.nextInt(64);
      default:
        return r.nextInt(512) - 256;
    }
  }

  static int anyInt(Random r) {
    return r.nextBoolean()
        ? (int) anyLong(r)
        : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, anyLong(r)));
  }

  static double anyDouble(Random r) {
    switch (r.nextInt(3)) {
      case 0:
        return EDGE_DOUBLES[r.nextInt(EDGE_DOUBLES.length)];
      case 1:
        return Double.longBitsToDouble(r.nextLong());
      default:
        return r.nextGaussian() * 1000;
    }
  }

  static float anyFloat(Random r) {
    return r.nextInt(3) == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) anyDouble(r);
  }

  /** Null, or a string whose UTF-8 length is often at a header boundary. */
  static String anyString(Random r) {
    if (r.nextInt(8) == 0) {
      return null;
    }
    int target =
        r.nextInt(3) == 0 ? EDGE_LENGTHS[r.nextInt(r.nextInt(20) == 0 ? 10 : 8)] : r.nextInt(80);
    StringBuilder sb = new StringBuilder();
    int bytes = 0;
    boolean ascii = r.nextBoolean();
    while (bytes < target) {
      String u =
          ascii ? String.valueOf((char) (' ' + r.nextInt(95))) : UNITS[r.nextInt(UNITS.length)];
      int len = u.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + len > target) {
        u = "a";
        len = 1;
      }
      sb.append(u);
      bytes += len;
    }
    return sb.toString();
  }

  static byte[] anyBytes(Random r) {
    if (r.nextInt(8) == 0) {
      return null;
    }
    byte[] b =
        new byte
            [r.nextInt(3) == 0
                ? EDGE_LENGTHS[r.nextInt(r.nextInt(20) == 0 ? 10 : 8)]
                : r.nextInt(40)];
    r.nextBytes(b);
    return b;
  }

  /** An instance of a plain class with every property set at random (nested to a small depth). */
  static Object anyInstance(Class<?> type, Random r, int depth) {
    try {
      var ctor = type.getDeclaredConstructor();
      ctor.setAccessible(true);
      Object o = ctor.newInstance();
      for (Field f : MsgPackBinding.fieldsOf(type)) {
        f.setAccessible(true);
        f.set(o, anyValue(f.getType(), r, depth));
      }
      return o;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static Object anyValue(Class<?> t, Random r, int depth) {
    boolean nullable = !t.isPrimitive();
    if (nullable && r.nextInt(10) == 0) {
      return null;
    }
    if (t == int.class || t == Integer.class) {
      return anyInt(r);
    } else if (t == long.class || t == Long.class) {
      return anyLong(r);
    } else if (t == short.class || t == Short.class) {
      return (short) anyLong(r);
    } else if (t == byte.class || t == Byte.class) {
      return (byte) anyLong(r);
    } else if (t == boolean.class || t == Boolean.class) {
      return r.nextBoolean();
    } else if (t == double.class || t == Double.class) {
      return anyDouble(r);
    } else if (t == float.class || t == Float.class) {
      return anyFloat(r);
    } else if (t == String.class) {
      return anyString(r);
    } else if (t == byte[].class) {
      return anyBytes(r);
    } else if (t == int[].class) {
      int[] a = new int[r.nextInt(3) == 0 ? 16 : r.nextInt(20)];
      for (int i = 0; i < a.length; i++) {
        a[i] = anyInt(r);
      }
      return a;
    } else if (t == long[].class) {
      long[] a = new long[r.nextInt(3) == 0 ? 15 : r.nextInt(20)];
      for (int i = 0; i < a.length; i++) {
        a[i] = anyLong(r);
      }
      return a;
    }
    if (depth >= 3) {
      return null;
    }
    // A Base field sometimes holds a Derived: Jackson writes the value's own properties.
    Class<?> actual = t == Base.class && r.nextBoolean() ? Derived.class : t;
    return anyInstance(actual, r, depth + 1);
  }

  // ---- msgpack in any valid width ---------------------------------------------------------------

  /**
   * Writes msgpack choosing among every valid width at random (uint64 for 7, map16 for two
   * entries, str8 for a short key ...), as other msgpack libraries may, and optionally what Go
   * peers and old clients add: keys in another case, in another order, unknown keys with values
   * of any shape, and repeated keys.
   */
  static final class WideWriter {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Random r;
    private final boolean extras;

    WideWriter(Random r, boolean extras) {
      this.r = r;
      this.extras = extras;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    WideWriter bean(Object o) {
      if (o == null) {
        out.write(0xc0);
        return this;
      }
      List<Field> fields = new ArrayList<>(MsgPackBinding.fieldsOf(o.getClass()));
      List<Runnable> entries = new ArrayList<>();
      for (Field f : fields) {
        f.setAccessible(true);
        Object v;
        try {
          v = f.get(o);
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
        String key = f.getName();
        if (extras && r.nextInt(4) == 0) {
          key = r.nextBoolean() ? key.toUpperCase(Locale.ROOT) : key.toLowerCase(Locale.ROOT);
        }
        String k = key;
        if (extras && r.nextInt(8) == 0) {
          // a value written first and then overwritten by the later entry: the last one wins
          entries.add(
              () -> {
                str(k);
                value(f.getType(), anyValue(f.getType(), r, 2));
              });
        }
        entries.add(
            () -> {
              str(k);
              value(f.getType(), v);
            });
      }
      if (extras) {
        for (int i = r.nextInt(3); i > 0; i--) {
          entries.add(
              r.nextInt(entries.size() + 1),
              () -> {
                str("zzUnknown" + r.nextInt(100));
                anything(3);
              });
        }
        // Shuffling could move a repeated key's second entry first; keep their relative order.
        if (r.nextBoolean() && entries.size() == fields.size()) {
          Collections.shuffle(entries, r);
        }
      }
      header(entries.size(), 0x80, 16, -1, 0xde, 0xdf);
      entries.forEach(Runnable::run);
      return this;
    }

    void value(Class<?> t, Object v) {
      if (v == null) {
        out.write(0xc0);
      } else if (v instanceof Integer
          || v instanceof Long
          || v instanceof Short
          || v instanceof Byte) {
        integer(((Number) v).longValue());
      } else if (v instanceof Boolean) {
        out.write((Boolean) v ? 0xc3 : 0xc2);
      } else if (v instanceof Double) {
        double d = (Double) v;
        if (r.nextBoolean()
            && Double.doubleToRawLongBits((float) d) == Double.doubleToRawLongBits(d)) {
          float32((float) d);
        } else {
          float64(d);
        }
      } else if (v instanceof Float) {
        if (r.nextBoolean()) {
          float32((Float) v);
        } else {
          float64((Float) v);
        }
      } else if (v instanceof String) {
        str((String) v);
      } else if (v instanceof byte[]) {
        byte[] b = (byte[]) v;
        header(b.length, -1, -1, 0xc4, 0xc5, 0xc6);
        out.writeBytes(b);
      } else if (v instanceof int[]) {
        int[] a = (int[]) v;
        header(a.length, 0x90, 16, -1, 0xdc, 0xdd);
        for (int x : a) {
          integer(x);
        }
      } else if (v instanceof long[]) {
        long[] a = (long[]) v;
        header(a.length, 0x90, 16, -1, 0xdc, 0xdd);
        for (long x : a) {
          integer(x);
        }
      } else {
        bean(v);
      }
    }

    /** Any valid integer form for {@code v}. */
    void integer(long v) {
      List<Integer> forms = new ArrayList<>();
      if (v >= 0 && v <= 127) {
        forms.add(0);
      }
      if (v >= -32 && v < 0) {
        forms.add(1);
      }
      if (v >= 0 && v <= 255) {
        forms.add(0xcc);
      }
      if (v >= 0 && v <= 65535) {
        forms.add(0xcd);
      }
      if (v >= 0 && v <= 0xffffffffL) {
        forms.add(0xce);
      }
      if (v >= 0) {
        forms.add(0xcf);
      }
      if (v >= -128 && v <= 127) {
        forms.add(0xd0);
      }
      if (v >= -32768 && v <= 32767) {
        forms.add(0xd1);
      }
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        forms.add(0xd2);
      }
      forms.add(0xd3);
      int form = forms.get(r.nextInt(forms.size()));
      switch (form) {
        case 0:
        case 1:
          out.write((int) v);
          break;
        case 0xcc:
        case 0xd0:
          out.write(form);
          out.write((int) v);
          break;
        case 0xcd:
        case 0xd1:
          out.write(form);
          be(v, 2);
          break;
        case 0xce:
        case 0xd2:
          out.write(form);
          be(v, 4);
          break;
        default:
          out.write(form);
          be(v, 8);
      }
    }

    void float32(float f) {
      out.write(0xca);
      be(Float.floatToRawIntBits(f), 4);
    }

    void float64(double d) {
      out.write(0xcb);
      be(Double.doubleToRawLongBits(d), 8);
    }

    void str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      header(b.length, 0xa0, 32, 0xd9, 0xda, 0xdb);
      out.writeBytes(b);
    }

    /**
     * A length or count in any valid header: the fix form ({@code fix} ORed with it, below
     * {@code fixLimit}), 8-bit, 16-bit or 32-bit; -1 where a width does not exist.
     */
    void header(int n, int fix, int fixLimit, int f8, int f16, int f32) {
      List<Integer> forms = new ArrayList<>();
      if (fix >= 0 && n < fixLimit) {
        forms.add(fix);
      }
      if (f8 >= 0 && n < 256) {
        forms.add(f8);
      }
      if (n < 65536) {
        forms.add(f16);
      }
      forms.add(f32);
      int form = forms.get(r.nextInt(forms.size()));
      if (form == fix) {
        out.write(fix | n);
      } else if (form == f8) {
        out.write(f8);
        out.write(n);
      } else if (form == f16) {
        out.write(f16);
        be(n, 2);
      } else {
        out.write(f32);
        be(n, 4);
      }
    }

    /** A value of any type (for an unknown key): scalars, str, bin, ext, arrays and maps. */
    void anything(int depth) {
      switch (r.nextInt(depth > 0 ? 10 : 8)) {
        case 0:
          out.write(0xc0);
          break;
        case 1:
          out.write(r.nextBoolean() ? 0xc3 : 0xc2);
          break;
        case 2:
          integer(anyLong(r));
          break;
        case 3:
          float64(anyDouble(r));
          break;
        case 4:
          str(Objects.requireNonNullElse(anyString(r), ""));
          break;
        case 5:
          {
            byte[] b = new byte[r.nextInt(20)];
            header(b.length, -1, -1, 0xc4, 0xc5, 0xc6);
            out.writeBytes(b);
            break;
          }
        case 6:
          {
            int[] fixext = {1, 2, 4, 8, 16};
            int i = r.nextInt(fixext.length);
            out.write(0xd4 + i);
            out.write(r.nextInt(128));
            out.writeBytes(new byte[fixext[i]]);
            break;
          }
        case 7:
          {
            int n = r.nextInt(20);
            header(n, -1, -1, 0xc7, 0xc8, 0xc9);
            out.write(5);
            out.writeBytes(new byte[n]);
            break;
          }
        case 8:
          {
            int n = r.nextInt(4);
            header(n, 0x90, 16, -1, 0xdc, 0xdd);
            for (int i = 0; i < n; i++) {
              anything(depth - 1);
            }
            break;
          }
        default:
          {
            int n = r.nextInt(4);
            header(n, 0x80, 16, -1, 0xde, 0xdf);
            for (int i = 0; i < n; i++) {
              str("k" + i);
              anything(depth - 1);
            }
          }
      }
    }

    private void be(long v, int bytes) {
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((int) (v >>> (8 * i)));
      }
    }
  }

  // ---- comparing ------------------------------------------------------------------------------

  /** A value or the exception that replaced it. */
  static Object outcome(Supplier<?> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return e;
    }
  }

  /**
   * Fails unless both outcomes are equal objects, field by field and of the same classes, or
   * exceptions of one class with one message.
   */
  static void assertSameOutcome(Object actual, Object expected, String what) {
    if (expected instanceof RuntimeException || actual instanceof RuntimeException) {
      assertThat(actual).as(what).isInstanceOf(Throwable.class);
      assertThat(expected)
          .as(what + ": Jackson's result, fast path threw " + actual)
          .isInstanceOf(Throwable.class);
      assertThat(actual.getClass()).as(what).isEqualTo(expected.getClass());
      assertThat(((Throwable) actual).getMessage())
          .as(what)
          .isEqualTo(((Throwable) expected).getMessage());
    } else {
      String diff = difference(actual, expected, "");
      if (diff != null) {
        throw new AssertionError(what + ": " + diff);
      }
    }
  }

  /**
   * Null when {@code a} and {@code b} are equal field by field, of the same classes; else where
   * they differ. Floating point compares by bits, except that any NaN equals any NaN (the JVM may
   * quiet a signalling NaN when converting one, compiled code and the interpreter alike or not).
   */
  static String difference(Object a, Object b, String path) {
    if (a == null || b == null) {
      return a == b ? null : path + ": " + a + " != " + b;
    }
    if (a.getClass() != b.getClass()) {
      return path + ": " + a.getClass() + " != " + b.getClass();
    }
    if (a instanceof Double) {
      return Double.doubleToLongBits((Double) a) == Double.doubleToLongBits((Double) b)
          ? null
          : path + ": " + a + " != " + b;
    }
    if (a instanceof Float) {
      return Float.floatToIntBits((Float) a) == Float.floatToIntBits((Float) b)
          ? null
          : path + ": " + a + " != " + b;
    }
    if (a instanceof Number || a instanceof Boolean || a instanceof String) {
      return a.equals(b) ? null : path + ": " + a + " != " + b;
    }
    if (a instanceof byte[] || a instanceof int[] || a instanceof long[]) {
      return java.util.Objects.deepEquals(a, b) ? null : path + ": arrays differ";
    }
    for (Field f : MsgPackBinding.fieldsOf(a.getClass())) {
      f.setAccessible(true);
      try {
        String d = difference(f.get(a), f.get(b), path + "." + f.getName());
        if (d != null) {
          return d;
        }
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
    return null;
  }
}
