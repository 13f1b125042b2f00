package io.jrpcx.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * RFC 1952 gzip, rpcx compress type 1. Go's {@code compress/gzip} reads what this writes and the
 * other way round; the compressed bytes differ from Go's (different deflate implementations),
 * the decompressed payload does not.
 */
public final class GzipCompressor implements Compressor {

  @Override
  public int type() {
    return CompressType.GZIP;
  }

  @Override
  public byte[] compress(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip of an in-memory buffer failed", e);
    }
    return out.toByteArray();
  }

  @Override
  public byte[] decompress(byte[] data, int maxLength) {
    return decompress(data, maxLength, n -> true);
  }

  @Override
  public byte[] decompress(byte[] data, int maxLength, IntPredicate memory) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data), 8192)) {
      byte[] out = new byte[grant(memory, initialSize(data, maxLength))];
      int size = 0;
      while (true) {
        if (size == out.length) {
          // Full: one more byte tells whether the payload is done, before anything is grown.
          int next = in.read();
          if (next < 0) {
            return out;
          }
          if (size == maxLength) {
            throw new ProtocolException(
                "gzip payload inflates past the maximum decompressed length of "
                    + maxLength
                    + " bytes");
          }
          int grown = (int) Math.min(maxLength, (long) out.length * 2);
          // Ask for the growth only: the old array is garbage once copied, so the grants add up to
          // the largest array, which the caller releases when the payload is done with.
          grant(memory, grown - out.length);
          out = Arrays.copyOf(out, grown);
          out[size++] = (byte) next;
        }
        int n = in.read(out, size, out.length - size);
        if (n < 0) {
          return size == out.length ? out : Arrays.copyOf(out, size);
        }
        size += n;
      }
    } catch (IOException e) {
      throw new ProtocolException("corrupt gzip payload: " + e.getMessage(), e);
    }
  }

  private static int grant(IntPredicate memory, int bytes) {
    if (!memory.test(bytes)) {
      throw new PayloadRefusedException(
          "no memory left to inflate the payload (" + bytes + " more bytes needed)");
    }
    return bytes;
  }

  /**
   * The output array to start with: the size the gzip trailer announces (ISIZE, the length mod
   * 2^32 of the last member), when it is within the limit, so a payload is inflated into one array
   * of its size instead of a series of doubled ones, and a payload announcing more than memory
   * allows is refused before any inflating. A trailer that lies costs only growing or trimming.
   */
  private static int initialSize(byte[] data, int maxLength) {
    int guess = (int) Math.min(Integer.MAX_VALUE, Math.max(256L, data.length * 4L));
    if (data.length >= 18) {
      int n = data.length;
      long isize =
          (data[n - 4] & 0xFFL)
              | (data[n - 3] & 0xFFL) << 8
              | (data[n - 2] & 0xFFL) << 16
              | (data[n - 1] & 0xFFL) << 24;
      if (isize > 0 && isize <= maxLength) {
        guess = (int) isize;
      }
    }
    return Math.min(maxLength, guess);
  }
}
