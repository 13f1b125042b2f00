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

  /**
   * {@link #decompress(byte[], int)} asking {@code memory} for every block of output before
   * allocating it: {@code memory.test(n)} reserves {@code n} more bytes or returns false, and then
   * this throws a {@link PayloadRefusedException}. The reservations add up to at least the
   * returned array's length (the largest buffer held at once) and are the caller's to release,
   * whether this returns or throws.
   *
   * <p>The default inflates whole, then asks for the result's size: correct accounting, but not
   * streamed. {@link GzipCompressor} asks as it grows.
   */
  default byte[] decompress(byte[] data, int maxLength, java.util.function.IntPredicate memory) {
    byte[] out = decompress(data, maxLength);
    if (!memory.test(out.length)) {
      throw new PayloadRefusedException(
          "no memory left to inflate a payload of " + out.length + " bytes");
    }
    return out;
  }
}
