package io.jrpcx.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What one download sends: written to the side channel once, then closed. Never holds more than
 * it writes at a time: the sink blocks while the client is slower than the disk.
 */
public interface Download extends AutoCloseable {
  /** Bytes it will write, or -1 when not known in advance (for progress only). */
  default long size() {
    return -1;
  }

  /** Writes the content to {@code sink}; the side channel is closed afterwards. */
  void writeTo(OutputStream sink) throws IOException;

  /** Releases what {@link DownloadHandler#open} acquired; called once, written or not. */
  @Override
  default void close() throws IOException {}

  /**
   * The content of {@code file}, opened now: a missing or unreadable file fails here, inside the
   * {@code DownloadFile} call, so the caller gets the error.
   */
  static Download of(Path file) throws IOException {
    return new FileDownload(FileChannel.open(file, StandardOpenOption.READ));
  }
}
