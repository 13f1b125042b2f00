package io.jrpcx.protocol;

/**
 * Compress type numbers carried in bits 2..4 of header byte 2. rpcx defines only {@link #NONE} and
 * {@link #GZIP}; values 2..7 are free for compressors registered by agreement between peers.
 */
public final class CompressType {
  public static final int NONE = 0;
  public static final int GZIP = 1;

  /** The largest number the three header bits can carry. */
  public static final int MAX = 7;

  private CompressType() {}
}
