package io.jrpcx.transfer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The argument of {@code _filetransfer.DownloadFile}, Go's {@code share.DownloadFileArgs}: JSON
 * {@code {"file_name","meta"}} (empty fields omitted), MsgPack {@code {"FileName","Meta"}}.
 * Immutable.
 */
@JsonSerialize(using = GoStruct.Serializer.class)
@JsonDeserialize(using = DownloadFileArgs.Reader.class)
public final class DownloadFileArgs {
  private final String fileName;
  private final Map<String, String> meta;

  /** {@code meta} may be null (Go's nil map). */
  public DownloadFileArgs(String fileName, Map<String, String> meta) {
    this.fileName = fileName == null ? "" : fileName;
    this.meta = GoStruct.copy(meta);
  }

  /** The name the client asks for. */
  public String fileName() {
    return fileName;
  }

  /** The client's metadata; null when it sent none. */
  public Map<String, String> meta() {
    return meta;
  }

  void writeFields(GoStruct.FieldWriter w) throws IOException {
    w.string("file_name", "FileName", fileName);
    w.stringMap("meta", "Meta", meta);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DownloadFileArgs
        && ((DownloadFileArgs) o).fileName.equals(fileName)
        && Objects.equals(((DownloadFileArgs) o).meta, meta);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fileName, meta);
  }

  @Override
  public String toString() {
    return "DownloadFileArgs{fileName=" + fileName + ", meta=" + meta + "}";
  }

  static final class Reader extends GoStruct.Deserializer<DownloadFileArgs> {
    @Override
    GoStruct.Builder<DownloadFileArgs> builder() {
      return new GoStruct.Builder<>() {
        String name;
        Map<String, String> meta;

        @Override
        public void field(String n, JsonParser p) throws IOException {
          switch (n) {
            case "filename":
              name = GoStruct.string(p);
              break;
            case "meta":
              meta = GoStruct.stringMap(p);
              break;
            default:
              break;
          }
        }

        @Override
        public DownloadFileArgs build() {
          return new DownloadFileArgs(name, meta);
        }
      };
    }
  }
}
