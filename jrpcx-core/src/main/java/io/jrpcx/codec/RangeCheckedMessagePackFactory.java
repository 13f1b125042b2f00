package io.jrpcx.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * A {@link MessagePackFactory} whose parsers refuse integers that do not fit the Java type asked
 * for, instead of silently truncating them.
 *
 * <p>jackson-dataformat-msgpack's parser narrows with plain casts: a uint64 above
 * {@code Long.MAX_VALUE} read into a {@code long} became a negative number, and a uint32 above
 * {@code Integer.MAX_VALUE} read into an {@code int} became negative (or 0 for 2^32). Jackson's
 * contract for {@link JsonParser#getIntValue()} and {@link JsonParser#getLongValue()} is to throw
 * an {@link InputCoercionException} in that case, which the JSON parser does; this factory wraps
 * every parser it creates so that msgpack behaves the same.
 */
final class RangeCheckedMessagePackFactory extends MessagePackFactory {
  private static final long serialVersionUID = 1L;
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  RangeCheckedMessagePackFactory() {}

  private RangeCheckedMessagePackFactory(RangeCheckedMessagePackFactory src) {
    super(src);
  }

  @Override
  public JsonFactory copy() {
    return new RangeCheckedMessagePackFactory(this);
  }

  @Override
  public JsonParser createParser(byte[] data) throws IOException {
    return wrap(super.createParser(data));
  }

  @Override
  public JsonParser createParser(byte[] data, int offset, int len) throws IOException {
    return wrap(super.createParser(data, offset, len));
  }

  @Override
  public JsonParser createParser(InputStream in) throws IOException {
    return wrap(super.createParser(in));
  }

  @Override
  public JsonParser createParser(File f) throws IOException {
    return wrap(super.createParser(f));
  }

  @Override
  protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt)
      throws IOException {
    return wrap(super._createParser(data, offset, len, ctxt));
  }

  private static JsonParser wrap(JsonParser p) {
    return p instanceof RangeCheckedParser ? p : new RangeCheckedParser(p);
  }

  /** Narrows numbers with range checks; everything else goes to the msgpack parser. */
  static final class RangeCheckedParser extends JsonParserDelegate {
    RangeCheckedParser(JsonParser d) {
      super(d);
    }

    @Override
    public int getIntValue() throws IOException {
      switch (delegate.getNumberType()) {
        case INT:
          return delegate.getIntValue();
        case LONG:
          {
            long v = delegate.getLongValue();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
              throw outOfRange(
                  String.valueOf(v), "int", Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.TYPE);
            }
            return (int) v;
          }
        case BIG_INTEGER:
          {
            BigInteger v = delegate.getBigIntegerValue();
            if (v.bitLength() > 31) {
              throw outOfRange(
                  v.toString(), "int", Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.TYPE);
            }
            return v.intValue();
          }
        default:
          {
            double d = delegate.getDoubleValue();
            if (Double.isNaN(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
              throw outOfRange(
                  String.valueOf(d), "int", Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.TYPE);
            }
            return (int) d;
          }
      }
    }

    @Override
    public long getLongValue() throws IOException {
      switch (delegate.getNumberType()) {
        case INT:
        case LONG:
          return delegate.getLongValue();
        case BIG_INTEGER:
          {
            BigInteger v = delegate.getBigIntegerValue();
            if (v.compareTo(LONG_MIN) < 0 || v.compareTo(LONG_MAX) > 0) {
              throw outOfRange(v.toString(), "long", Long.MIN_VALUE, Long.MAX_VALUE, Long.TYPE);
            }
            return v.longValue();
          }
        default:
          {
            double d = delegate.getDoubleValue();
            // 2^63 as a double is the first value above Long.MAX_VALUE
            if (Double.isNaN(d) || d < -0x1p63 || d >= 0x1p63) {
              throw outOfRange(
                  String.valueOf(d), "long", Long.MIN_VALUE, Long.MAX_VALUE, Long.TYPE);
            }
            return (long) d;
          }
      }
    }

    @Override
    public short getShortValue() throws IOException {
      int v = getIntValue();
      if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
        throw outOfRange(String.valueOf(v), "short", Short.MIN_VALUE, Short.MAX_VALUE, Short.TYPE);
      }
      return (short) v;
    }

    @Override
    public byte getByteValue() throws IOException {
      int v = getIntValue();
      // Jackson accepts -128..255 for byte, so that unsigned byte values can be read.
      if (v < Byte.MIN_VALUE || v > 255) {
        throw outOfRange(String.valueOf(v), "byte", Byte.MIN_VALUE, 255, Byte.TYPE);
      }
      return (byte) v;
    }

    @Override
    public int getValueAsInt() throws IOException {
      return isNumber() ? getIntValue() : delegate.getValueAsInt();
    }

    @Override
    public int getValueAsInt(int defaultValue) throws IOException {
      return isNumber() ? getIntValue() : delegate.getValueAsInt(defaultValue);
    }

    @Override
    public long getValueAsLong() throws IOException {
      return isNumber() ? getLongValue() : delegate.getValueAsLong();
    }

    @Override
    public long getValueAsLong(long defaultValue) throws IOException {
      return isNumber() ? getLongValue() : delegate.getValueAsLong(defaultValue);
    }

    private boolean isNumber() {
      JsonToken t = delegate.currentToken();
      return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
    }

    private InputCoercionException outOfRange(
        String value, String typeName, long min, long max, Class<?> target) {
      return new InputCoercionException(
          this,
          "Numeric value ("
              + value
              + ") out of range of "
              + typeName
              + " ("
              + min
              + " - "
              + max
              + ")",
          delegate.currentToken(),
          target);
    }
  }
}
