package io.jrpcx.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Exactly {@code size} bytes of the connection, with progress; see {@link Upload#body()}. */
final class UploadBody extends InputStream {
  private final InputStream in;
  private final String fileName;
  private final long size;
  private final TransferProgress progress;
  private long read;

  UploadBody(InputStream in, String fileName, long size, TransferProgress progress) {
    this.in = in;
    this.fileName = fileName;
    this.size = size;
    this.progress = progress;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    long left = size - read;
    if (left == 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n < 0) {
      throw new EOFException(
          "connection closed after " + read + " of " + size + " bytes of " + fileName);
    }
    read += n;
    progress.progress(fileName, read, size);
    return n;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), size - read);
  }

  boolean complete() {
    return read == size;
  }

  long bytesRead() {
    return read;
  }

  /** The connection is closed by the side channel, not by the handler. */
  @Override
  public void close() {}
}
