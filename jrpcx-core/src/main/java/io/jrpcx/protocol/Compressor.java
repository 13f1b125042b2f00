package io.jrpcx.protocol;

/**
 * Compresses and decompresses payloads for one compress type. Only the payload of a frame is ever
 * compressed; the path, method and metadata never are. Implementations must be thread-safe.
 */
public interface Compressor {

  /** The compress type number on the wire (1..7). */
  int type();

  byte[] compress(byte[] data);

  /**
   * Decompresses {@code data}, failing with a {@link ProtocolException} as soon as the output would
   * exceed {@code maxLength} bytes, so a small hostile frame cannot exhaust memory.
   */
  byte[] decompress(byte[] data, int maxLength);
}
