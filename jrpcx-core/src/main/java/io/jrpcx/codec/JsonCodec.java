package io.jrpcx.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON (type 1), compatible with Go's {@code encoding/json}: a class's fields are its properties,
 * named exactly as declared (so {@code int A} is {@code "A"}), read case-insensitively, unknown
 * fields ignored. {@code @JsonProperty} renames a field, like a Go {@code json:"..."} tag.
 */
public final class JsonCodec extends JacksonCodec {

  /** The Go-compatible configuration. */
  public JsonCodec() {
    this(newGoCompatibleMapper());
  }

  /** A codec over an application's own mapper, taken as configured. */
  public JsonCodec(ObjectMapper mapper) {
    super(mapper, "json");
  }

  /** A fresh mapper with the Go-compatible configuration, to adjust and pass to the constructor. */
  public static ObjectMapper newGoCompatibleMapper() {
    return goCompatible(JsonMapper.builder(), GoTime.json());
  }

  @Override
  public int serializeType() {
    return SerializeType.JSON;
  }
}
