package io.jrpcx.transport.kcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Recovers lost data datagrams from kcp-go's FEC parity (the decoding side of fec.go): shards are
 * grouped by {@code seqid / (data + parity)}, their position in the group is {@code seqid % (data
 * + parity)}; once {@code dataShards} shards of a group arrived and some data shard is missing,
 * Reed–Solomon gives it back. Data shards are also handed to KCP as they come (the session does
 * that); this only supplies the missing ones. A recovered shard starts with its size field and
 * is zero-padded past it.
 *
 * <p>Memory is bounded: groups more than {@value #KEEP_GROUPS} groups behind the newest are
 * dropped (kcp-go keeps {@code rxFECMulti = 3} groups' worth too). Confined to the session's
 * thread.
 */
final class FecDecoder {
  static final int KEEP_GROUPS = 3;

  private final ReedSolomon rs;
  private final int dataShards;
  private final int total;
  private final long paws;
  private final Map<Long, Group> groups = new HashMap<>();
  private long newest = -1;

  FecDecoder(ReedSolomon rs) {
    this.rs = rs;
    this.dataShards = rs.dataShards();
    this.total = rs.dataShards() + rs.parityShards();
    this.paws = 0xffffffffL / total * total;
  }

  private static final class Group {
    final byte[][] shards;
    final boolean[] present;
    int count;
    int dataCount;
    int maxLen;
    boolean done;

    Group(int total) {
      shards = new byte[total][];
      present = new boolean[total];
    }
  }

  /**
   * Takes one FEC packet, {@code buf[off..off+len)} starting at its FEC header, and returns the
   * data shards it made recoverable (each from its size field on), possibly none.
   */
  List<byte[]> decode(byte[] buf, int off, int len) {
    long seqid = Segment.getInt(buf, off) & 0xffffffffL;
    int flag = Segment.getShort(buf, off + 4);
    if (seqid >= paws) {
      return List.of();
    }
    int index = (int) (seqid % total);
    // a type that does not fit its position is a peer with other shard counts: nothing to do
    if ((index < dataShards) != (flag == FecEncoder.TYPE_DATA)) {
      return List.of();
    }
    long id = seqid / total;
    if (newest >= 0 && id + KEEP_GROUPS < newest) {
      return List.of();
    }
    Group g = groups.get(id);
    if (g == null) {
      g = new Group(total);
      groups.put(id, g);
      if (id > newest) {
        newest = id;
        discardOld();
      }
    }
    if (g.done || g.present[index]) {
      return List.of();
    }
    int size = len - FecEncoder.HEADER;
    byte[] shard = new byte[FecEncoder.MTU_LIMIT];
    System.arraycopy(buf, off + FecEncoder.HEADER, shard, 0, size);
    g.shards[index] = shard;
    g.present[index] = true;
    g.count++;
    if (index < dataShards) {
      g.dataCount++;
    }
    g.maxLen = Math.max(g.maxLen, size);
    if (g.count < dataShards) {
      return List.of();
    }
    g.done = true;
    List<byte[]> recovered = List.of();
    if (g.dataCount < dataShards) {
      for (int k = 0; k < dataShards; k++) {
        if (!g.present[k]) {
          g.shards[k] = new byte[FecEncoder.MTU_LIMIT];
        }
      }
      for (int k = dataShards; k < total; k++) {
        if (!g.present[k]) {
          g.shards[k] = null;
        }
      }
      // shards are zero past their length already: the padding the encoder used
      if (rs.reconstructData(g.shards, g.present, 0, g.maxLen)) {
        recovered = new ArrayList<>();
        for (int k = 0; k < dataShards; k++) {
          if (!g.present[k]) {
            recovered.add(g.shards[k]);
          }
        }
      }
    }
    // the group is complete: keep only the mark that it is done
    java.util.Arrays.fill(g.shards, null);
    return recovered;
  }

  private void discardOld() {
    for (Iterator<Long> it = groups.keySet().iterator(); it.hasNext(); ) {
      if (it.next() + KEEP_GROUPS < newest) {
        it.remove();
      }
    }
  }

  /** Groups held, for tests of the bound. */
  int groupsHeld() {
    return groups.size();
  }
}
