package io.jrpcx.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * One upload arriving on the server: the name, size and metadata from the {@code TransferFile}
 * call, and the bytes. {@link #body()} reads exactly {@link #fileSize()} bytes straight from the
 * connection, so the client is held back (by TCP) while the handler is slower than the network.
 */
public final class Upload {
  private final String fileName;
  private final long fileSize;
  private final Map<String, String> meta;
  private final String remoteAddress;
  private final UploadBody body;

  Upload(FileTransferArgs args, String remoteAddress, UploadBody body) {
    this.fileName = args.fileName();
    this.fileSize = args.fileSize();
    this.meta = args.meta();
    this.remoteAddress = remoteAddress;
    this.body = body;
  }

  /**
   * The name the client sent (Go sends the file's base name): check it, it comes from the
   * network.
   */
  public String fileName() {
    return fileName;
  }

  /** The size the client announced, which {@link #body()} holds to. */
  public long fileSize() {
    return fileSize;
  }

  /** The client's metadata, possibly null. */
  public Map<String, String> meta() {
    return meta;
  }

  /** The side channel's peer, {@code host:port}. */
  public String remoteAddress() {
    return remoteAddress;
  }

  /**
   * The file's bytes: ends after {@link #fileSize()} bytes, and throws {@link
   * java.io.EOFException} when the connection ends before that (a client gone mid-file).
   */
  public InputStream body() {
    return body;
  }

  /**
   * Stores the whole body as {@code target}: written to a temporary file beside it, which is
   * moved over {@code target} in one step only once every byte has arrived. A transfer that
   * breaks leaves no file under {@code target} (nor a temporary one) and throws.
   *
   * @return the bytes stored
   */
  public long saveTo(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
    try {
      long stored = 0;
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        byte[] chunk = new byte[Transfers.CHUNK];
        for (int n; (n = body.read(chunk)) >= 0; ) {
          ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
          while (b.hasRemaining()) {
            out.write(b);
          }
          stored += n;
        }
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return stored;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  @Override
  public String toString() {
    return "Upload{" + fileName + ", " + fileSize + " bytes from " + remoteAddress + "}";
  }
}
