package io.jrpcx.codec;

import io.jrpcx.CodecException;
import java.lang.reflect.Type;

/**
 * SerializeNone (type 0): arguments and replies are opaque {@code byte[]} passed through as the
 * payload, as Go rpcx does with {@code []byte}.
 */
public final class RawCodec implements Codec {
  private static final byte[] EMPTY = new byte[0];

  @Override
  public int serializeType() {
    return SerializeType.NONE;
  }

  @Override
  public byte[] encode(Object value) {
    if (value == null) {
      return EMPTY;
    }
    if (value instanceof byte[]) {
      return (byte[]) value;
    }
    throw new CodecException(
        "SerializeNone can only send byte[], not " + value.getClass().getName());
  }

  @Override
  public void checkEncodable(Type type) {
    if (type != byte[].class && type != Object.class) {
      throw new IllegalArgumentException(
          "SerializeNone can only send byte[], not " + type.getTypeName());
    }
  }

  @Override
  public void checkDecodable(Type type) {
    if (type != byte[].class && type != Object.class) {
      throw new IllegalArgumentException(
          "SerializeNone can only decode into byte[], not " + type.getTypeName());
    }
  }

  @Override
  public Object decode(byte[] data, Type type) {
    if (type != byte[].class && type != Object.class) {
      throw new CodecException(
          "SerializeNone can only decode into byte[], not " + type.getTypeName());
    }
    return data;
  }
}
