package io.jrpcx.console;

import io.jrpcx.CodecException;
import io.jrpcx.codec.Codec;
import java.lang.reflect.Type;

/**
 * Stands in for the real codec of a serialize type: the console encodes the JSON typed in the
 * page itself (as msgpack or JSON) and decodes the reply itself, so the client passes both
 * through.
 */
final class PassThroughCodec implements Codec {
  private final int serializeType;

  PassThroughCodec(int serializeType) {
    this.serializeType = serializeType;
  }

  @Override
  public int serializeType() {
    return serializeType;
  }

  @Override
  public byte[] encode(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    throw new CodecException(
        "expected pre-encoded bytes, got " + (value == null ? "null" : value.getClass().getName()));
  }

  @Override
  public Object decode(byte[] data, Type type) {
    return data;
  }
}
