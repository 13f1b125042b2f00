package io.jrpcx.transfer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The argument of {@code _streamservice.Stream}, Go's {@code share.StreamServiceArgs}: JSON
 * {@code {"meta"}} (omitted when empty), MsgPack {@code {"Meta"}}. Immutable.
 */
@JsonSerialize(using = GoStruct.Serializer.class)
@JsonDeserialize(using = StreamServiceArgs.Reader.class)
public final class StreamServiceArgs {
  private final Map<String, String> meta;

  /** {@code meta} may be null (Go's nil map). */
  public StreamServiceArgs(Map<String, String> meta) {
    this.meta = GoStruct.copy(meta);
  }

  /** The client's metadata; null when it sent none. */
  public Map<String, String> meta() {
    return meta;
  }

  void writeFields(GoStruct.FieldWriter w) throws IOException {
    w.stringMap("meta", "Meta", meta);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamServiceArgs && Objects.equals(((StreamServiceArgs) o).meta, meta);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(meta);
  }

  @Override
  public String toString() {
    return "StreamServiceArgs{meta=" + meta + "}";
  }

  static final class Reader extends GoStruct.Deserializer<StreamServiceArgs> {
    @Override
    GoStruct.Builder<StreamServiceArgs> builder() {
      return new GoStruct.Builder<>() {
        Map<String, String> meta;

        @Override
        public void field(String n, JsonParser p) throws IOException {
          if (n.equals("meta")) {
            meta = GoStruct.stringMap(p);
          }
        }

        @Override
        public StreamServiceArgs build() {
          return new StreamServiceArgs(meta);
        }
      };
    }
  }
}
