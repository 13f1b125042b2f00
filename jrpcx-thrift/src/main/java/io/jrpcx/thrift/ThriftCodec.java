package io.jrpcx.thrift;

import io.jrpcx.CodecException;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.SerializeType;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import org.apache.thrift.TBase;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocolFactory;

/**
 * Thrift (serialize type 4), as Go rpcx's {@code ThriftCodec}: the payload is one struct in plain
 * {@link TBinaryProtocol} encoding, written with {@link TSerializer} and read with
 * {@link TDeserializer}, so Go peers and jrpcx peers read each other's payloads.
 *
 * <p>Encodes any generated struct ({@link TBase}); decodes into a generated struct class, whose
 * no-argument constructor is looked up once per class. As for the other codecs, {@code null} is
 * sent as an empty payload and an empty payload decodes to {@code null} (a real struct is never
 * empty: even one with no field set ends with a stop byte).
 *
 * <pre>{@code
 * Server server = Server.builder().codecs(ThriftCodec.codecs()).build();
 * ClientOptions options = ClientOptions.DEFAULT.toBuilder()
 *     .codecs(ThriftCodec.codecs()).serializeType(SerializeType.THRIFT).build();
 * }</pre>
 *
 * <p>Thread-safe: each call uses its own serializer, as libthrift's are not.
 */
public final class ThriftCodec implements Codec {
  private static final byte[] EMPTY = new byte[0];
  private static final TProtocolFactory BINARY = new TBinaryProtocol.Factory();

  /** A struct class's no-argument constructor as a handle, or the CodecException to throw. */
  private static final ClassValue<Object> CONSTRUCTORS =
      new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
          return constructor(type);
        }
      };

  public ThriftCodec() {}

  /** Core's default codecs (raw, JSON, MsgPack) plus this one. */
  public static Codecs codecs() {
    return Codecs.defaults().toBuilder().add(new ThriftCodec()).build();
  }

  @Override
  public int serializeType() {
    return SerializeType.THRIFT;
  }

  @Override
  public byte[] encode(Object value) {
    if (value == null) {
      return EMPTY;
    }
    if (!(value instanceof TBase)) {
      throw new CodecException(
          "thrift: cannot encode "
              + value.getClass().getName()
              + ": not a Thrift struct (org.apache.thrift.TBase)");
    }
    try {
      return new TSerializer(BINARY).serialize((TBase<?, ?>) value);
    } catch (TException | RuntimeException e) {
      throw new CodecException(
          "thrift: cannot encode " + value.getClass().getName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object decode(byte[] data, Type type) {
    MethodHandle constructor = constructor(type);
    if (data.length == 0) {
      return null;
    }
    TBase<?, ?> struct;
    try {
      struct = (TBase<?, ?>) constructor.invoke();
    } catch (Throwable t) {
      throw new CodecException("thrift: cannot create " + type.getTypeName() + ": " + t, t);
    }
    try {
      new TDeserializer(BINARY).deserialize(struct, data);
      return struct;
    } catch (TException | RuntimeException e) {
      // libthrift throws runtime exceptions too (e.g. for a negative length it did not check).
      throw new CodecException(
          "thrift: cannot decode " + type.getTypeName() + ": " + e.getMessage(), e);
    }
  }

  private static MethodHandle constructor(Type type) {
    if (!(type instanceof Class) || !TBase.class.isAssignableFrom((Class<?>) type)) {
      throw new CodecException(
          "thrift: cannot decode into "
              + type.getTypeName()
              + ": not a Thrift struct class (org.apache.thrift.TBase)");
    }
    Object found = CONSTRUCTORS.get((Class<?>) type);
    if (found instanceof CodecException) {
      CodecException cause = (CodecException) found;
      throw new CodecException(cause.getMessage(), cause.getCause());
    }
    return (MethodHandle) found;
  }

  private static Object constructor(Class<?> type) {
    try {
      if (Modifier.isAbstract(type.getModifiers())) {
        throw new InstantiationException(type.getName() + " is abstract");
      }
      return MethodHandles.publicLookup().findConstructor(type, MethodType.methodType(void.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new CodecException(
          "thrift: cannot decode into "
              + type.getName()
              + ": no public no-argument constructor: "
              + e,
          e);
    }
  }
}
