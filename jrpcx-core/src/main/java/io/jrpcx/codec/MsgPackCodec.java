package io.jrpcx.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.Type;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * MessagePack (type 3), the default codec of rpcx clients, compatible with Go's
 * {@code vmihailenco/msgpack}: objects are maps keyed by field name as declared, integers are read
 * from every msgpack width (fixint to 64-bit, signed or not) and written in the smallest,
 * {@code byte[]} is bin.
 *
 * <p>The Go-compatible codec ({@link #MsgPackCodec()}) writes and reads plain classes (public or
 * private fields of primitive, boxed, {@code String}, {@code byte[]}, {@code int[]},
 * {@code long[]} and other plain class types, a no-argument constructor, no Jackson annotations)
 * without Jackson, several times faster, and with exactly the bytes, values and errors Jackson
 * gives; everything else goes through Jackson.
 */
public final class MsgPackCodec extends JacksonCodec {
  /** Null for a codec over an application's mapper, which may be configured in any way. */
  private final MsgPackFastPath fastPath;

  /**
   * The Go-compatible configuration. Its {@link #mapper()} is for deriving other configurations
   * from ({@code mapper().copy()}): plain classes do not go through it, so changing it in place
   * would not change how they are written and read.
   */
  public MsgPackCodec() {
    this(newGoCompatibleMapper(), true);
  }

  /** A codec over an application's own mapper; it must be built on a {@link MessagePackFactory}. */
  public MsgPackCodec(ObjectMapper mapper) {
    this(mapper, false);
  }

  private MsgPackCodec(ObjectMapper mapper, boolean goCompatible) {
    super(mapper, "msgpack");
    if (!(mapper.getFactory() instanceof MessagePackFactory)) {
      throw new IllegalArgumentException("mapper must use a MessagePackFactory");
    }
    fastPath = goCompatible ? new MsgPackFastPath(mapper) : null;
  }

  /** The shortcut for plain classes, null when every value goes through Jackson; for tests. */
  MsgPackFastPath fastPath() {
    return fastPath;
  }

  @Override
  public byte[] encode(Object value) {
    byte[] out = fastPath == null ? null : fastPath.encode(value);
    return out != null ? out : super.encode(value);
  }

  @Override
  public Object decode(byte[] data, Type type) {
    if (fastPath != null) {
      Object out = fastPath.decode(data, type);
      if (out != MsgPackFastPath.NOT_HANDLED) {
        return out;
      }
    }
    return super.decode(data, type);
  }

  /**
   * A fresh mapper with the Go-compatible configuration, to adjust and pass to the constructor.
   * Its parsers refuse an integer that does not fit the Java field (a uint64 above
   * {@code Long.MAX_VALUE} into a {@code long}, 2^31 into an {@code int}) instead of truncating it
   * as a plain {@link MessagePackFactory} does.
   */
  public static ObjectMapper newGoCompatibleMapper() {
    return goCompatible(JsonMapper.builder(new RangeCheckedMessagePackFactory()), GoTime.msgpack());
  }

  @Override
  public int serializeType() {
    return SerializeType.MSGPACK;
  }
}
