package io.jrpcx.transport.kcp;

import java.util.Arrays;

/**
 * Adds kcp-go's FEC layer to outgoing datagrams (fec.go v5.4.20 {@code fecEncoder}): each data
 * datagram gets {@code seqid u32 LE | flag u16 LE = 0xf1 | size u16 LE} in front of its KCP bytes,
 * {@code size} counting itself and the KCP bytes; after every {@code dataShards} data datagrams,
 * {@code parityShards} parity datagrams ({@code flag 0xf2}) follow, Reed–Solomon over the data
 * shards from their size field on, each zero-padded to the longest. Sequence ids run on across
 * data and parity and wrap at the largest multiple of the shard count below 2^32 ({@code paws}).
 *
 * <p>Datagrams are laid out {@code [offset bytes for the crypt header][FEC header][size][KCP]};
 * the encoder writes the FEC header and size in place. Confined to the session's thread.
 */
final class FecEncoder {
  static final int HEADER = 6;
  static final int HEADER_PLUS_SIZE = 8;
  static final int TYPE_DATA = 0xf1;
  static final int TYPE_PARITY = 0xf2;

  /** kcp-go's {@code mtuLimit}: no datagram is longer. */
  static final int MTU_LIMIT = 1500;

  private final ReedSolomon rs;
  private final int dataShards;
  private final int offset;
  private final long paws;
  private final byte[][] shards;
  private int count;
  private int maxSize;
  private long next;

  FecEncoder(ReedSolomon rs, int offset) {
    this(rs, offset, 0);
  }

  /** An encoder whose next sequence id is {@code next}, for tests that continue a recording. */
  FecEncoder(ReedSolomon rs, int offset, long next) {
    this.rs = rs;
    this.dataShards = rs.dataShards();
    this.offset = offset;
    int total = rs.dataShards() + rs.parityShards();
    this.paws = 0xffffffffL / total * total;
    this.shards = new byte[total][MTU_LIMIT];
    this.next = next;
  }

  /**
   * Marks {@code buf[0..len)} as the next data shard and keeps a copy; returns the parity shards
   * (full datagrams, crypt header space included, each {@code length} bytes where {@code length}
   * is {@link #paritySize}) once a group is complete, else null. The returned arrays are reused
   * by the next group: seal and send them before encoding again.
   */
  byte[][] encode(byte[] buf, int len) {
    putHeader(buf, TYPE_DATA);
    next = (next + 1) & 0xffffffffL;
    int payload = offset + HEADER;
    Segment.putShort(buf, payload, len - payload);
    System.arraycopy(buf, payload, shards[count], payload, len - payload);
    // zero the rest of the cached shard: it is padding for the parity computation
    Arrays.fill(shards[count], len, MTU_LIMIT, (byte) 0);
    count++;
    maxSize = Math.max(maxSize, len);
    if (count < dataShards) {
      return null;
    }
    rs.encodeParity(shards, payload, maxSize - payload);
    byte[][] parity = Arrays.copyOfRange(shards, dataShards, shards.length);
    for (byte[] p : parity) {
      putHeader(p, TYPE_PARITY);
      next = (next + 1) % paws;
    }
    paritySize = maxSize;
    count = 0;
    maxSize = 0;
    return parity;
  }

  /** The length of the parity datagrams {@link #encode} returned last. */
  int paritySize;

  private void putHeader(byte[] buf, int type) {
    Segment.putInt(buf, offset, (int) next);
    Segment.putShort(buf, offset + 4, type);
  }
}
