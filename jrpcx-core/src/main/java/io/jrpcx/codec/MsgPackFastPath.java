package io.jrpcx.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The Go-compatible {@link MsgPackCodec}'s shortcut for plain classes ({@link MsgPackBinding}):
 * writes and reads msgpack directly, without a Jackson generator or parser, producing the very
 * bytes and objects Jackson would. Whatever it is not certain about it hands back
 * ({@link #NOT_HANDLED}) and the codec asks Jackson, so that output, results and error messages
 * never depend on which path ran.
 */
final class MsgPackFastPath {
  /** What {@link #decode} returns when Jackson must decode the payload. */
  static final Object NOT_HANDLED = new Object();

  /** Bean and skipped-value nesting past which Jackson takes over (cycles, deep payloads). */
  static final int MAX_DEPTH = 64;

  /** Thrown inside the fast path to give a value or payload to Jackson; no stack trace. */
  static final RuntimeException FALLBACK =
      new RuntimeException("msgpack fast path: use Jackson", null, false, false) {
        private static final long serialVersionUID = 1L;
      };

  /**
   * jackson-dataformat-msgpack 0.9.11 decodes a str of up to 64 bytes with the platform's default
   * charset on Java 9+, and longer ones as UTF-8. The reader decodes every str as UTF-8, so it
   * agrees with Jackson only where the default is UTF-8 (always from Java 18, JEP 400).
   */
  private static final boolean DECODE = Charset.defaultCharset().equals(StandardCharsets.UTF_8);

  private final Locale locale;
  private final ClassValue<MsgPackBinding> bindings;

  MsgPackFastPath(ObjectMapper mapper) {
    this.locale = mapper.getDeserializationConfig().getLocale();
    this.bindings =
        new ClassValue<>() {
          @Override
          protected MsgPackBinding computeValue(Class<?> type) {
            return MsgPackBinding.analyse(type, mapper);
          }
        };
  }

  /** Whether {@code type} is plain, so that its values take the fast path. */
  boolean handles(Class<?> type) {
    return bindings.get(type).isPlain();
  }

  /** The msgpack of {@code value}, or null when Jackson must write it. */
  byte[] encode(Object value) {
    if (value == null) {
      return null;
    }
    MsgPackBinding b = bindings.get(value.getClass());
    if (!b.isPlain()) {
      return null;
    }
    try {
      return MsgPackFastWriter.write(b, value, bindings);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // FALLBACK, or a field that would not read: Jackson reports what it finds
    }
  }

  /** {@code data} decoded as {@code type}, or {@link #NOT_HANDLED} for Jackson to decode. */
  Object decode(byte[] data, Type type) {
    if (!DECODE || data.length == 0 || !(type instanceof Class)) {
      return NOT_HANDLED;
    }
    MsgPackBinding b = bindings.get((Class<?>) type);
    if (!b.isPlain()) {
      return NOT_HANDLED;
    }
    try {
      return MsgPackFastReader.read(data, b, bindings, locale);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // FALLBACK, or a constructor that threw: Jackson runs it again and reports it its way
      return NOT_HANDLED;
    }
  }
}
