package io.jrpcx.transfer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A raw bidirectional byte stream over a side channel: what {@code Client.stream} returns and
 * what a {@link StreamHandler} gets. Reading blocks until the peer writes; writing blocks while
 * the peer does not read (TCP's window is the back-pressure). Reading from one thread while
 * writing from another is fine. Closing closes both directions.
 */
public interface ByteStream extends Closeable {
  /** What the peer writes; ends when the peer closes or half-closes. */
  InputStream input();

  /** To the peer; unbuffered, so each write is sent. */
  OutputStream output();

  /**
   * Tells the peer nothing more will be written (its reads then end) while still reading its
   * answer. Over TLS this needs TLS 1.3.
   */
  void shutdownOutput() throws IOException;

  /** The peer's address, {@code host:port}. */
  String remoteAddress();
}
