package io.jrpcx.protobuf;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.jrpcx.CodecException;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.SerializeType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;

/**
 * Protobuf (serialize type 2), as Go rpcx's {@code PBCodec}: the payload is one bare message in
 * standard proto3 binary, with no length prefix and no {@code Any} wrapper, so Go peers (gogo or
 * google protobuf) and jrpcx peers read each other's payloads.
 *
 * <p>Encodes any {@link MessageLite} (full or lite generated code); {@code null} is sent as the
 * empty message, zero bytes, as Go marshals a nil message. Decodes into a generated message class
 * through its parser, which is looked up once per class and then reused, so a call costs no
 * reflection. An empty payload decodes to the class's default instance, not to {@code null}: in
 * proto3 zero bytes are the message with every field unset.
 *
 * <pre>{@code
 * Server server = Server.builder().codecs(ProtobufCodec.codecs()).build();
 * ClientOptions options = ProtobufCodec.clientOptions(ClientOptions.DEFAULT);
 * }</pre>
 *
 * <p>Thread-safe; one instance serves every call.
 */
public final class ProtobufCodec implements Codec {
  private static final byte[] EMPTY = new byte[0];

  /** A message class's default instance, found once by its generated static method. */
  private static final ClassValue<Object> DEFAULT_INSTANCES =
      new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
          return defaultInstance(type);
        }
      };

  public ProtobufCodec() {}

  /** Core's default codecs (raw, JSON, MsgPack) plus this one: the table a server needs. */
  public static Codecs codecs() {
    return Codecs.defaults().toBuilder().add(new ProtobufCodec()).build();
  }

  /**
   * {@code options} with this codec added to its codecs and Protobuf as the serialize type of
   * the calls it makes.
   */
  public static ClientOptions clientOptions(ClientOptions options) {
    return options.toBuilder()
        .codecs(options.codecs().toBuilder().add(new ProtobufCodec()).build())
        .serializeType(SerializeType.PROTOBUF)
        .build();
  }

  @Override
  public int serializeType() {
    return SerializeType.PROTOBUF;
  }

  @Override
  public byte[] encode(Object value) {
    if (value == null) {
      return EMPTY;
    }
    if (!(value instanceof MessageLite)) {
      throw new CodecException(
          "protobuf: cannot encode "
              + value.getClass().getName()
              + ": not a protobuf message (com.google.protobuf.MessageLite)");
    }
    try {
      return ((MessageLite) value).toByteArray();
    } catch (RuntimeException e) {
      throw new CodecException(
          "protobuf: cannot encode " + value.getClass().getName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object decode(byte[] data, Type type) {
    MessageLite prototype = prototype(type);
    if (data.length == 0) {
      return prototype;
    }
    Parser<? extends MessageLite> parser = prototype.getParserForType();
    try {
      return parser.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new CodecException(
          "protobuf: cannot decode " + type.getTypeName() + ": " + e.getMessage(), e);
    }
  }

  private static MessageLite prototype(Type type) {
    if (!(type instanceof Class) || !MessageLite.class.isAssignableFrom((Class<?>) type)) {
      throw new CodecException(
          "protobuf: cannot decode into "
              + type.getTypeName()
              + ": not a protobuf message class (com.google.protobuf.MessageLite)");
    }
    Object found = DEFAULT_INSTANCES.get((Class<?>) type);
    if (found instanceof CodecException) {
      // The failure is cached too: a class without a default instance never gains one.
      CodecException cause = (CodecException) found;
      throw new CodecException(cause.getMessage(), cause.getCause());
    }
    return (MessageLite) found;
  }

  /** The default instance, or the CodecException to throw for a class that has none. */
  private static Object defaultInstance(Class<?> type) {
    try {
      Method m = type.getMethod("getDefaultInstance");
      if (!Modifier.isStatic(m.getModifiers()) || !type.isAssignableFrom(m.getReturnType())) {
        throw new NoSuchMethodException(type.getName() + ".getDefaultInstance()");
      }
      Object instance = m.invoke(null);
      if (instance == null) {
        throw new NoSuchMethodException(type.getName() + ".getDefaultInstance() returned null");
      }
      return instance;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new CodecException(
          "protobuf: cannot decode into "
              + type.getName()
              + ": not a generated message class (no static getDefaultInstance()): "
              + e,
          e);
    }
  }
}
