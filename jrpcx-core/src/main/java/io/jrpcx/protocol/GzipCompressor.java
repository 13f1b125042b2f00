package io.jrpcx.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
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
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data), 8192)) {
      byte[] out = new byte[Math.min(maxLength, Math.max(256, data.length * 4))];
      int size = 0;
      while (true) {
        if (size == out.length) {
          if (size == maxLength) {
            // One more byte means the payload is over the limit: refuse before growing.
            if (in.read() < 0) {
              return out;
            }
            throw new ProtocolException(
                "gzip payload inflates past the maximum decompressed length of " + maxLength
                    + " bytes");
          }
          out = Arrays.copyOf(out, (int) Math.min(maxLength, (long) out.length * 2));
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
}
