package io.jrpcx.transport.kcp;

import java.util.List;

/**
 * The layers under KCP for one session, in kcp-go's order (sess.go {@code output} and {@code
 * kcpInput}): outgoing, FEC marks the datagram and may add parity datagrams, then each gets its
 * nonce and checksum and is encrypted; incoming, the reverse, with data shards handed to KCP at
 * once and parity used only to rebuild data shards that went missing. A datagram is {@code
 * nonce[16] | crc32[4] | seqid[4] | flag[2] | size[2] | KCP segments}; KCP leaves the first
 * {@link #RESERVED} bytes of every buffer for these headers.
 *
 * <p>Confined to the session's thread.
 */
final class DatagramLayers {
  /** Bytes in front of the KCP segments: crypt header, FEC header, size. */
  static final int RESERVED = DatagramCrypt.HEADER + FecEncoder.HEADER_PLUS_SIZE;

  static final int DATA_SHARDS = 10;
  static final int PARITY_SHARDS = 3;

  /** The code rpcx uses, {@code (addr, block, 10, 3)}; stateless, so shared. */
  static final ReedSolomon RS = new ReedSolomon(DATA_SHARDS, PARITY_SHARDS);

  /** Where sealed datagrams go; {@code buf} is reused after the call returns. */
  interface Sink {
    void datagram(byte[] buf, int len);
  }

  /** Where KCP bytes go: {@code regular} is false for shards rebuilt by FEC. */
  interface KcpInput {
    void segments(byte[] buf, int off, int len, boolean regular);
  }

  private final DatagramCrypt crypt;
  private final FecEncoder encoder;
  private final FecDecoder decoder = new FecDecoder(RS);

  DatagramLayers(byte[] key) {
    this.crypt = new DatagramCrypt(key);
    this.encoder = new FecEncoder(RS, DatagramCrypt.HEADER);
  }

  /** Seals {@code buf[0..len)} (KCP's output, headers reserved) and any parity it completes. */
  void send(byte[] buf, int len, Sink out) {
    byte[][] parity = encoder.encode(buf, len);
    crypt.fillNonce(buf);
    crypt.seal(buf, len);
    out.datagram(buf, len);
    if (parity != null) {
      int size = encoder.paritySize;
      for (byte[] p : parity) {
        crypt.fillNonce(p);
        crypt.seal(p, size);
        out.datagram(p, size);
      }
    }
  }

  /**
   * Decrypts and checks {@code buf[0..len)} in place, then hands its KCP bytes on. Returns false,
   * having handed nothing, for a datagram that is not from a holder of the key.
   */
  boolean receive(byte[] buf, int len, KcpInput in) {
    if (len > FecEncoder.MTU_LIMIT) {
      // kcp-go never sends more (mtuLimit) and reads no more
      KcpCounters.INPUT_ERRORS.incrementAndGet();
      return false;
    }
    if (!crypt.open(buf, len)) {
      KcpCounters.CHECKSUM_ERRORS.incrementAndGet();
      return false;
    }
    receiveOpened(buf, DatagramCrypt.HEADER, len - DatagramCrypt.HEADER, in);
    return true;
  }

  /** Hands on the KCP bytes of an opened datagram, {@code buf[off..off+len)} from its FEC header. */
  void receiveOpened(byte[] buf, int off, int len, KcpInput in) {
    if (len <= FecEncoder.HEADER || len > FecEncoder.MTU_LIMIT - DatagramCrypt.HEADER) {
      KcpCounters.INPUT_ERRORS.incrementAndGet();
      return;
    }
    int flag = Segment.getShort(buf, off + 4);
    if (flag != FecEncoder.TYPE_DATA && flag != FecEncoder.TYPE_PARITY) {
      KcpCounters.INPUT_ERRORS.incrementAndGet();
      return;
    }
    if (flag == FecEncoder.TYPE_PARITY) {
      KcpCounters.PARITY_RECEIVED.incrementAndGet();
    }
    List<byte[]> recovered = decoder.decode(buf, off, len);
    if (flag == FecEncoder.TYPE_DATA && len >= FecEncoder.HEADER_PLUS_SIZE) {
      // as kcp-go: the KCP bytes run to the end of the datagram, the size field is for parity
      in.segments(buf, off + FecEncoder.HEADER_PLUS_SIZE, len - FecEncoder.HEADER_PLUS_SIZE, true);
    }
    for (byte[] r : recovered) {
      int size = Segment.getShort(r, 0);
      if (size >= 2 && size <= r.length) {
        KcpCounters.FEC_RECOVERED.incrementAndGet();
        in.segments(r, 2, size - 2, false);
      } else {
        KcpCounters.INPUT_ERRORS.incrementAndGet();
      }
    }
  }

  /**
   * Opens a datagram for the listener, which must see the conv and sn of an unknown peer's first
   * datagram before it makes a session; the opened bytes then go to {@link #receiveOpened}.
   */
  boolean open(byte[] buf, int len) {
    if (len > FecEncoder.MTU_LIMIT) {
      KcpCounters.INPUT_ERRORS.incrementAndGet();
      return false;
    }
    if (!crypt.open(buf, len)) {
      KcpCounters.CHECKSUM_ERRORS.incrementAndGet();
      return false;
    }
    return true;
  }
}
