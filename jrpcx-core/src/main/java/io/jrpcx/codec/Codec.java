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

  /**
   * Fails when no value of {@code type} could ever be encoded, so that a server finds out at
   * {@code register} and a client when it makes a proxy, not at the first call. The default checks
   * nothing.
   *
   * @throws IllegalArgumentException saying which type (or which property of it) and why
   */
  default void checkEncodable(Type type) {}

  /**
   * Fails when no payload could ever be decoded into {@code type}; see {@link #checkEncodable}.
   * The default checks nothing.
   *
   * @throws IllegalArgumentException saying which type (or which property of it) and why
   */
  default void checkDecodable(Type type) {}
}
