package io.jrpcx.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * MessagePack (type 3), the default codec of rpcx clients, compatible with Go's
 * {@code vmihailenco/msgpack}: objects are maps keyed by field name as declared, integers are read
 * from every msgpack width (fixint to 64-bit, signed or not) and written in the smallest,
 * {@code byte[]} is bin.
 */
public final class MsgPackCodec extends JacksonCodec {

  /** The Go-compatible configuration. */
  public MsgPackCodec() {
    this(newGoCompatibleMapper());
  }

  /** A codec over an application's own mapper; it must be built on a {@link MessagePackFactory}. */
  public MsgPackCodec(ObjectMapper mapper) {
    super(mapper, "msgpack");
    if (!(mapper.getFactory() instanceof MessagePackFactory)) {
      throw new IllegalArgumentException("mapper must use a MessagePackFactory");
    }
  }

  /**
   * A fresh mapper with the Go-compatible configuration, to adjust and pass to the constructor.
   * Its parsers refuse an integer that does not fit the Java field (a uint64 above
   * {@code Long.MAX_VALUE} into a {@code long}, 2^31 into an {@code int}) instead of truncating it
   * as a plain {@link MessagePackFactory} does.
   */
  public static ObjectMapper newGoCompatibleMapper() {
    return goCompatible(JsonMapper.builder(new RangeCheckedMessagePackFactory()));
  }

  @Override
  public int serializeType() {
    return SerializeType.MSGPACK;
  }
}
