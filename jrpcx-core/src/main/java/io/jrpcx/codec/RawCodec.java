package io.jrpcx.codec;

import io.jrpcx.CodecException;
import java.lang.reflect.Type;

/**
 * SerializeNone (type 0): arguments and replies are opaque {@code byte[]} passed through as the
 * payload, as Go rpcx does with {@code []byte}.
 *
 * <p>{@link #passThrough(int)} does the same under another serialize type, for callers that encode
 * and decode the payload themselves (the command line and the console send JSON typed by a user
 * as MsgPack or JSON bytes, and show the reply's bytes decoded by themselves).
 */
public final class RawCodec implements Codec {
  private static final byte[] EMPTY = new byte[0];

  private final int serializeType;
  private final String name;

  /** SerializeNone. */
  public RawCodec() {
    this(SerializeType.NONE, "SerializeNone");
  }

  private RawCodec(int serializeType, String name) {
    this.serializeType = serializeType;
    this.name = name;
  }

  /**
   * A codec that sends {@code byte[]} arguments already encoded in {@code serializeType} as they
   * are, and hands back replies of that type undecoded, as {@code byte[]}. Put it in a client's
   * {@link Codecs} in place of that type's real codec.
   */
  public static RawCodec passThrough(int serializeType) {
    return new RawCodec(serializeType, "serialize type " + serializeType + " passed through");
  }

  @Override
  public int serializeType() {
    return serializeType;
  }

  @Override
  public byte[] encode(Object value) {
    if (value == null) {
      return EMPTY;
    }
    if (value instanceof byte[]) {
      return (byte[]) value;
    }
    throw new CodecException(name + " can only send byte[], not " + value.getClass().getName());
  }

  @Override
  public void checkEncodable(Type type) {
    if (type != byte[].class && type != Object.class) {
      throw new IllegalArgumentException(name + " can only send byte[], not " + type.getTypeName());
    }
  }

  @Override
  public void checkDecodable(Type type) {
    if (type != byte[].class && type != Object.class) {
      throw new IllegalArgumentException(
          name + " can only decode into byte[], not " + type.getTypeName());
    }
  }

  @Override
  public Object decode(byte[] data, Type type) {
    if (type != byte[].class && type != Object.class) {
      throw new CodecException(name + " can only decode into byte[], not " + type.getTypeName());
    }
    return data;
  }
}
