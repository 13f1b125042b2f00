package io.jrpcx.cli;

import io.jrpcx.CodecException;
import io.jrpcx.codec.Codec;
import java.lang.reflect.Type;

/**
 * Stands in for the real codec of a serialize type: the command line encodes the arguments itself
 * (once, from JSON) and reads the reply bytes itself, so the client passes both through. A
 * benchmark thereby measures the server, not JSON handling on the client.
 */
final class PreEncodedCodec implements Codec {
  private final int serializeType;

  PreEncodedCodec(int serializeType) {
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
