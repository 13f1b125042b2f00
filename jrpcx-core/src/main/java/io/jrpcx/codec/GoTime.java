package io.jrpcx.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.function.Function;
import org.msgpack.jackson.dataformat.MessagePackExtensionType;
import org.msgpack.jackson.dataformat.MessagePackGenerator;

/**
 * Go's encodings of {@code time.Time} and {@code time.Duration} for {@link Instant},
 * {@link OffsetDateTime}, {@link ZonedDateTime} and {@link Duration}, over jackson-datatype-jsr310's
 * handling of the other java.time types.
 *
 * <p>JSON: a time is RFC 3339 text exactly as Go's {@code time.Time.MarshalJSON} writes it
 * ({@code RFC3339Nano}: the fraction without trailing zeros, none when zero; {@code Z} for a zero
 * offset). jsr310's own format would write the fraction in groups of three digits and, on read,
 * move an {@code OffsetDateTime} to UTC; Go keeps the offset, and so does this.
 *
 * <p>MsgPack: a time is the msgpack timestamp extension (type -1) in its smallest form, 32, 64 or
 * 96 bits, as {@code vmihailenco/msgpack} v5 writes {@code time.Time}; the extension has no
 * offset, so an {@code OffsetDateTime} or {@code ZonedDateTime} is written as its instant and read
 * back in UTC (Go reads it in its local zone). Reading also takes RFC 3339 text, as Go's decoder
 * does.
 *
 * <p>Both: a duration is an integer of nanoseconds, Go's {@code int64} {@code time.Duration}; one
 * longer than about 292 years does not fit and fails to encode.
 */
final class GoTime {
  /** The msgpack timestamp extension type. */
  static final byte TIMESTAMP_TYPE = -1;

  /** Go's {@code time.RFC3339Nano} layout: fraction digits only as needed, Z for offset zero. */
  static final DateTimeFormatter RFC3339_NANO =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .appendOffset("+HH:MM", "Z")
          .toFormatter();

  private GoTime() {}

  /** The module for {@link JsonCodec}'s mapper. */
  static Module json() {
    return module("jrpcx-go-time-json", false);
  }

  /** The module for {@link MsgPackCodec}'s mapper. */
  static Module msgpack() {
    return module("jrpcx-go-time-msgpack", true);
  }

  private static Module module(String name, boolean msgpack) {
    SimpleModule m = new SimpleModule(name);
    m.addSerializer(Instant.class, new TimeSerializer<>(i -> i.atOffset(ZoneOffset.UTC), msgpack));
    m.addSerializer(OffsetDateTime.class, new TimeSerializer<>(t -> t, msgpack));
    m.addSerializer(
        ZonedDateTime.class, new TimeSerializer<>(ZonedDateTime::toOffsetDateTime, msgpack));
    m.addDeserializer(Instant.class, new TimeDeserializer<>(OffsetDateTime::toInstant));
    m.addDeserializer(OffsetDateTime.class, new TimeDeserializer<>(t -> t));
    m.addDeserializer(ZonedDateTime.class, new TimeDeserializer<>(OffsetDateTime::toZonedDateTime));
    m.addSerializer(Duration.class, new DurationSerializer());
    m.addDeserializer(Duration.class, new DurationDeserializer());
    return m;
  }

  /** The timestamp extension's payload for {@code t}, in the smallest of its three forms. */
  static byte[] timestamp(Instant t) {
    long sec = t.getEpochSecond();
    int nsec = t.getNano();
    if (sec >>> 34 == 0) {
      long data = ((long) nsec << 34) | sec;
      if ((data & 0xffffffff00000000L) == 0) {
        return ByteBuffer.allocate(4).putInt((int) data).array();
      }
      return ByteBuffer.allocate(8).putLong(data).array();
    }
    return ByteBuffer.allocate(12).putInt(nsec).putLong(sec).array();
  }

  /** The instant in a timestamp extension's payload; fails on any other length. */
  static Instant fromTimestamp(byte[] b) {
    ByteBuffer in = ByteBuffer.wrap(b);
    switch (b.length) {
      case 4:
        return Instant.ofEpochSecond(in.getInt() & 0xffffffffL);
      case 8:
        long data = in.getLong();
        return Instant.ofEpochSecond(data & 0x3ffffffffL, data >>> 34);
      case 12:
        long nsec = in.getInt() & 0xffffffffL;
        return Instant.ofEpochSecond(in.getLong(), nsec);
      default:
        throw new DateTimeException("timestamp extension of " + b.length + " bytes");
    }
  }

  /** Writes a time as RFC 3339 text, or as the timestamp extension for msgpack. */
  private static final class TimeSerializer<T> extends JsonSerializer<T> {
    private final Function<T, OffsetDateTime> toOffset;
    private final boolean msgpack;

    TimeSerializer(Function<T, OffsetDateTime> toOffset, boolean msgpack) {
      this.toOffset = toOffset;
      this.msgpack = msgpack;
    }

    @Override
    public void serialize(T value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      OffsetDateTime t = toOffset.apply(value);
      if (!msgpack) {
        gen.writeString(RFC3339_NANO.format(t));
        return;
      }
      MessagePackExtensionType ext =
          new MessagePackExtensionType(TIMESTAMP_TYPE, timestamp(t.toInstant()));
      if (gen instanceof MessagePackGenerator) {
        ((MessagePackGenerator) gen).writeExtensionType(ext);
      } else {
        gen.writeObject(ext); // a buffer (TokenBuffer) replays it into the msgpack generator
      }
    }
  }

  /** Reads RFC 3339 text (with any offset) or the timestamp extension. */
  private static final class TimeDeserializer<T> extends JsonDeserializer<T> {
    private final Function<OffsetDateTime, T> fromOffset;

    TimeDeserializer(Function<OffsetDateTime, T> fromOffset) {
      this.fromOffset = fromOffset;
    }

    @Override
    @SuppressWarnings("unchecked") // the handle* calls return a T or throw
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken token = p.currentToken();
      Class<?> type = handledType();
      try {
        if (token == JsonToken.VALUE_STRING) {
          return fromOffset.apply(OffsetDateTime.parse(p.getText().trim(), RFC3339_NANO));
        }
        if (token == JsonToken.VALUE_EMBEDDED_OBJECT) {
          Object ext = p.getEmbeddedObject();
          if (ext instanceof MessagePackExtensionType) {
            MessagePackExtensionType e = (MessagePackExtensionType) ext;
            if (e.getType() != TIMESTAMP_TYPE) {
              return (T)
                  ctxt.reportInputMismatch(
                      type, "msgpack extension type %d is not a time", e.getType());
            }
            return fromOffset.apply(fromTimestamp(e.getData()).atOffset(ZoneOffset.UTC));
          }
        }
      } catch (DateTimeException e) {
        return (T) ctxt.reportInputMismatch(type, "not a Go time: %s", e.getMessage());
      }
      return (T) ctxt.handleUnexpectedToken(type, p);
    }
  }

  /** Writes a duration as Go's int64 nanoseconds. */
  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      long nanos;
      try {
        nanos = value.toNanos();
      } catch (ArithmeticException e) {
        serializers.reportMappingProblem(
            "%s does not fit Go's time.Duration (int64 nanoseconds, about 292 years)", value);
        return;
      }
      gen.writeNumber(nanos);
    }
  }

  /** Reads Go's int64 nanoseconds. */
  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return Duration.ofNanos(p.getLongValue());
      }
      return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
    }
  }
}
