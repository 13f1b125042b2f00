package io.jrpcx.codec;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jrpcx.CodecException;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** A codec backed by a Jackson {@link ObjectMapper}; JSON and MsgPack differ only in the factory. */
abstract class JacksonCodec implements Codec {
  private final ObjectMapper mapper;
  private final String name;
  private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();

  JacksonCodec(ObjectMapper mapper, String name) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.name = name;
  }

  /**
   * Applies Go's rules to a mapper: properties are the fields, named as declared ({@code A}, not
   * {@code a}); names are matched case-insensitively on read, like Go's decoder; unknown fields
   * are ignored, like Go's. Default typing stays off: payloads never choose the Java class.
   * java.time types and {@code Optional} are handled, times and durations as Go encodes
   * {@code time.Time} and {@code time.Duration} in this format ({@code goTime}, see
   * {@link GoTime}); other java.time types (LocalDate, ...) are ISO-8601 text.
   */
  static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>>
      M goCompatible(B builder, Module goTime) {
    return builder
        // the last added wins: GoTime's Instant, OffsetDateTime, ZonedDateTime and Duration
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .addModule(goTime)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
        .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
        .visibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .build();
  }

  static JsonMapper.Builder jsonBuilder() {
    return JsonMapper.builder();
  }

  /** The mapper in use, for applications that want to derive their own configuration from it. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Fails on a type, or a property or element type within it, that Jackson refuses without a
   * module, such as java.time on a mapper without jackson-datatype-jsr310.
   */
  @Override
  public void checkEncodable(Type type) {
    JacksonTypeCheck.check(mapper, name, type, false);
  }

  /**
   * Fails as {@link #checkEncodable} does, and on a class (or property class) Jackson cannot
   * create: no no-argument constructor, no {@code @JsonCreator}, not a record.
   */
  @Override
  public void checkDecodable(Type type) {
    JacksonTypeCheck.check(mapper, name, type, true);
  }

  @Override
  public byte[] encode(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException | RuntimeException e) {
      throw new CodecException(
          name
              + ": cannot encode "
              + (value == null ? "null" : value.getClass().getName())
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public Object decode(byte[] data, Type type) {
    if (data.length == 0) {
      return null;
    }
    try {
      return readers.computeIfAbsent(type, this::newReader).readValue(data);
    } catch (IOException | RuntimeException e) {
      throw new CodecException(
          name + ": cannot decode " + type.getTypeName() + ": " + firstLine(e.getMessage()), e);
    }
  }

  private ObjectReader newReader(Type type) {
    JavaType javaType = mapper.getTypeFactory().constructType(type);
    return mapper.readerFor(javaType);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
