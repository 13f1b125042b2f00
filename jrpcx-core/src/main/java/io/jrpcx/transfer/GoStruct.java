package io.jrpcx.transfer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.msgpack.jackson.dataformat.MessagePackGenerator;

/**
 * Writes and reads the side-channel argument and reply types the way Go rpcx's codecs do. One
 * Java class serves both codecs, but Go names the same field differently in each: encoding/json
 * uses the {@code json:"file_name,omitempty"} tags, vmihailenco/msgpack ignores those tags and
 * uses the Go field names ({@code FileName}) and writes zero values (nil for a nil map or byte
 * slice) instead of omitting them. A Jackson annotation cannot say "this name for JSON, that name
 * for MsgPack", so each type carries a serializer that asks which format it is writing, and a
 * deserializer that accepts either spelling (compared without case and underscores, as Go's
 * decoders compare names without case).
 */
final class GoStruct {
  private GoStruct() {}

  /** Built from the fields read; see {@link #read}. */
  interface Builder<T> {
    void field(String normalizedName, JsonParser p) throws IOException;

    T build();
  }

  /** Writes one field in the format of the generator it wraps. */
  static final class FieldWriter {
    private final JsonGenerator g;
    private final boolean msgpack;

    FieldWriter(JsonGenerator g) {
      this.g = g;
      this.msgpack = g instanceof MessagePackGenerator;
    }

    void string(String jsonTag, String goName, String value) throws IOException {
      if (msgpack) {
        g.writeStringField(goName, value == null ? "" : value);
      } else if (value != null && !value.isEmpty()) {
        g.writeStringField(jsonTag, value);
      }
    }

    void int64(String jsonTag, String goName, long value) throws IOException {
      if (msgpack || value != 0) {
        g.writeNumberField(msgpack ? goName : jsonTag, value);
      }
    }

    void bytes(String jsonTag, String goName, byte[] value) throws IOException {
      if (msgpack) {
        g.writeFieldName(goName);
        if (value == null) {
          g.writeNull();
        } else {
          g.writeBinary(value);
        }
      } else if (value != null && value.length > 0) {
        g.writeFieldName(jsonTag);
        g.writeBinary(value); // standard base64, as encoding/json writes []byte
      }
    }

    void stringMap(String jsonTag, String goName, Map<String, String> value) throws IOException {
      if (msgpack) {
        g.writeFieldName(goName);
        if (value == null) {
          g.writeNull();
          return;
        }
      } else if (value == null || value.isEmpty()) {
        return;
      } else {
        g.writeFieldName(jsonTag);
      }
      g.writeStartObject();
      for (Map.Entry<String, String> e : value.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
  }

  /** Writes one of this package's Go structs, its fields in Go's declaration order. */
  static void write(Object value, JsonGenerator g) throws IOException {
    FieldWriter w = new FieldWriter(g);
    g.writeStartObject();
    if (value instanceof FileTransferArgs) {
      ((FileTransferArgs) value).writeFields(w);
    } else if (value instanceof DownloadFileArgs) {
      ((DownloadFileArgs) value).writeFields(w);
    } else if (value instanceof StreamServiceArgs) {
      ((StreamServiceArgs) value).writeFields(w);
    } else if (value instanceof SideChannelReply) {
      ((SideChannelReply) value).writeFields(w);
    } else {
      throw new IllegalArgumentException("not a side-channel type: " + value.getClass());
    }
    g.writeEndObject();
  }

  /** Reads an object (or nil) into {@code b}; unknown fields are skipped, as Go skips them. */
  static <T> T read(JsonParser p, Builder<T> b) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new com.fasterxml.jackson.core.JsonParseException(p, "expected an object, found " + t);
    }
    for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = normalize(p.currentName());
      p.nextToken();
      b.field(name, p);
      if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
        p.skipChildren();
      }
    }
    return b.build();
  }

  /** {@code file_name}, {@code FileName} and {@code filename} all become {@code filename}. */
  static String normalize(String name) {
    return name.replace("_", "").toLowerCase(Locale.ROOT);
  }

  static String string(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? "" : p.getValueAsString();
  }

  static long int64(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new com.fasterxml.jackson.core.JsonParseException(p, "expected an integer, found " + t);
    }
    return p.getLongValue(); // fails on a value past int64, as Go's decoder does
  }

  static byte[] bytes(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
  }

  /** A {@code map[string]string}, or null for nil; leaves the parser on the map's end. */
  static Map<String, String> stringMap(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new com.fasterxml.jackson.core.JsonParseException(p, "expected a map, found " + t);
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String key = p.currentName();
      p.nextToken();
      m.put(key, p.currentToken() == JsonToken.VALUE_NULL ? "" : p.getValueAsString());
    }
    return Collections.unmodifiableMap(m);
  }

  static Map<String, String> copy(Map<String, String> meta) {
    return meta == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(meta));
  }

  /** Jackson's entry point for every type of this package that Go also has. */
  static final class Serializer extends JsonSerializer<Object> {
    @Override
    public void serialize(Object value, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      write(value, g);
    }
  }

  /** Base of each type's deserializer. */
  abstract static class Deserializer<T> extends JsonDeserializer<T> {
    abstract Builder<T> builder();

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return read(p, builder());
    }

    @Override
    public T getNullValue(DeserializationContext ctxt) {
      return null;
    }
  }
}
