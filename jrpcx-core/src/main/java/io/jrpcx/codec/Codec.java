package io.jrpcx.codec;

import java.lang.reflect.Type;

/**
 * Turns call arguments and replies into payload bytes and back, for one serialize type.
 * Implementations must be thread-safe; one instance serves every call.
 */
public interface Codec {

  /** The serialize type number on the wire, see {@link SerializeType}. */
  int serializeType();

  /** Encodes {@code value}; fails with a {@link io.jrpcx.CodecException}. */
  byte[] encode(Object value);

  /**
   * Decodes {@code data} into an instance of {@code type}; an empty payload decodes to null.
   * Fails with a {@link io.jrpcx.CodecException}.
   */
  Object decode(byte[] data, Type type);
}
