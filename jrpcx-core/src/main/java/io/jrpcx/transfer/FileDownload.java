package io.jrpcx.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * {@link Download#of}: a file opened when the download was asked for. To a plain side channel it
 * is sent with {@link FileChannel#transferTo} (sendfile: the bytes go from the page cache to the
 * socket without passing through the heap); to anything else, through one 64 KiB buffer.
 */
final class FileDownload implements Download {
  /** Bytes per {@code transferTo}, so that progress is told as the file goes. */
  private static final long STEP = 1 << 20;

  private final FileChannel channel;

  FileDownload(FileChannel channel) {
    this.channel = channel;
  }

  @Override
  public long size() {
    try {
      return channel.size();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void writeTo(OutputStream sink) throws IOException {
    // One heap buffer whatever the file's size: the socket's window paces the reads.
    byte[] chunk = new byte[Transfers.CHUNK];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    long position = 0;
    for (int n; (n = channel.read(buf.clear(), position)) >= 0; ) {
      sink.write(chunk, 0, n);
      position += n;
    }
  }

  /** Sends the whole file to {@code target}, telling {@code sent} the running total. */
  void transferTo(WritableByteChannel target, java.util.function.LongConsumer sent)
      throws IOException {
    long position = 0;
    long size = channel.size();
    while (position < size) {
      long n = channel.transferTo(position, Math.min(STEP, size - position), target);
      if (n <= 0) {
        break; // the file shrank while being sent: the client gets what there was
      }
      position += n;
      sent.accept(position);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
