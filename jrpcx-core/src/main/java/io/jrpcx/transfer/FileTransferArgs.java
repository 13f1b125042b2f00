package io.jrpcx.transfer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The argument of {@code _filetransfer.TransferFile}, Go's {@code share.FileTransferArgs}: JSON
 * {@code {"file_name","file_size","meta"}} (empty fields omitted), MsgPack
 * {@code {"FileName","FileSize","Meta"}}. Immutable.
 */
@JsonSerialize(using = GoStruct.Serializer.class)
@JsonDeserialize(using = FileTransferArgs.Reader.class)
public final class FileTransferArgs {
  private final String fileName;
  private final long fileSize;
  private final Map<String, String> meta;

  /** {@code meta} may be null (Go's nil map). */
  public FileTransferArgs(String fileName, long fileSize, Map<String, String> meta) {
    this.fileName = fileName == null ? "" : fileName;
    this.fileSize = fileSize;
    this.meta = GoStruct.copy(meta);
  }

  /** The file's base name, as the client chose it. */
  public String fileName() {
    return fileName;
  }

  /** The number of bytes the client will send. */
  public long fileSize() {
    return fileSize;
  }

  /** The client's metadata; null when it sent none. */
  public Map<String, String> meta() {
    return meta;
  }

  void writeFields(GoStruct.FieldWriter w) throws IOException {
    w.string("file_name", "FileName", fileName);
    w.int64("file_size", "FileSize", fileSize);
    w.stringMap("meta", "Meta", meta);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileTransferArgs
        && ((FileTransferArgs) o).fileName.equals(fileName)
        && ((FileTransferArgs) o).fileSize == fileSize
        && Objects.equals(((FileTransferArgs) o).meta, meta);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fileName, fileSize, meta);
  }

  @Override
  public String toString() {
    return "FileTransferArgs{fileName="
        + fileName
        + ", fileSize="
        + fileSize
        + ", meta="
        + meta
        + "}";
  }

  static final class Reader extends GoStruct.Deserializer<FileTransferArgs> {
    @Override
    GoStruct.Builder<FileTransferArgs> builder() {
      return new GoStruct.Builder<>() {
        String name;
        long size;
        Map<String, String> meta;

        @Override
        public void field(String n, JsonParser p) throws IOException {
          switch (n) {
            case "filename":
              name = GoStruct.string(p);
              break;
            case "filesize":
              size = GoStruct.int64(p);
              break;
            case "meta":
              meta = GoStruct.stringMap(p);
              break;
            default:
              break;
          }
        }

        @Override
        public FileTransferArgs build() {
          return new FileTransferArgs(name, size, meta);
        }
      };
    }
  }
}
