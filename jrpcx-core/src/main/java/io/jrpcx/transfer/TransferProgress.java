package io.jrpcx.transfer;

/**
 * Told how far a file transfer has got, on either side: after each chunk moved and once at the
 * end. Called on the thread moving the bytes, so it must return quickly; an exception it throws
 * fails the transfer.
 */
@FunctionalInterface
public interface TransferProgress {
  /** Ignores progress. */
  TransferProgress NONE = (fileName, transferred, total) -> {};

  /**
   * @param fileName the file's name as sent in the call
   * @param transferred bytes moved so far
   * @param total the file's size, or -1 where it is not known (a download, on the client)
   */
  void progress(String fileName, long transferred, long total);
}
