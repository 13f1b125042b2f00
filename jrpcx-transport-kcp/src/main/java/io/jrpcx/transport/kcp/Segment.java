package io.jrpcx.transport.kcp;

/**
 * One KCP segment and its 24-byte header, little-endian (kcp.go {@code segment.encode} and the
 * decoding in {@code KCP.Input}): {@code conv u32 | cmd u8 | frg u8 | wnd u16 | ts u32 | sn u32 |
 * una u32 | len u32 | data[len]}. The fields past {@code una} are the sender's bookkeeping and never
 * travel. Mutable; owned by one {@link Kcp}.
 */
final class Segment {
  static final int OVERHEAD = 24;

  /** Offset of {@code sn} in the header (kcp.go {@code IKCP_SN_OFFSET}). */
  static final int SN_OFFSET = 12;

  static final int CMD_PUSH = 81;
  static final int CMD_ACK = 82;
  static final int CMD_WASK = 83;
  static final int CMD_WINS = 84;

  int conv;
  int cmd;
  int frg;
  int wnd;
  int ts;
  int sn;
  int una;

  byte[] data;
  int len;

  // sender's state
  int rto;
  int xmit;
  int resendts;
  int fastack;
  boolean acked;

  Segment(int capacity) {
    this.data = new byte[capacity];
  }

  /** Writes the header and data at {@code p}; returns the offset after them. */
  int encode(byte[] buf, int p) {
    p = putInt(buf, p, conv);
    buf[p++] = (byte) cmd;
    buf[p++] = (byte) frg;
    buf[p++] = (byte) wnd;
    buf[p++] = (byte) (wnd >>> 8);
    p = putInt(buf, p, ts);
    p = putInt(buf, p, sn);
    p = putInt(buf, p, una);
    p = putInt(buf, p, len);
    System.arraycopy(data, 0, buf, p, len);
    return p + len;
  }

  /** Reads the segment at {@code p}, or null when {@code buf[p..end)} holds no whole one. */
  static Segment decode(byte[] buf, int p, int end) {
    if (end - p < OVERHEAD) {
      return null;
    }
    int length = getInt(buf, p + 20);
    if (length < 0 || end - p - OVERHEAD < length) {
      return null;
    }
    Segment s = new Segment(length);
    s.conv = getInt(buf, p);
    s.cmd = buf[p + 4] & 0xff;
    s.frg = buf[p + 5] & 0xff;
    s.wnd = getShort(buf, p + 6);
    s.ts = getInt(buf, p + 8);
    s.sn = getInt(buf, p + 12);
    s.una = getInt(buf, p + 16);
    s.len = length;
    System.arraycopy(buf, p + OVERHEAD, s.data, 0, length);
    return s;
  }

  /** Bytes this segment takes on the wire. */
  int size() {
    return OVERHEAD + len;
  }

  static int putInt(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >>> 8);
    b[p + 2] = (byte) (v >>> 16);
    b[p + 3] = (byte) (v >>> 24);
    return p + 4;
  }

  static int getInt(byte[] b, int p) {
    return (b[p] & 0xff)
        | (b[p + 1] & 0xff) << 8
        | (b[p + 2] & 0xff) << 16
        | (b[p + 3] & 0xff) << 24;
  }

  static int getShort(byte[] b, int p) {
    return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
  }

  static void putShort(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >>> 8);
  }

  @Override
  public String toString() {
    return "Segment{conv="
        + Integer.toUnsignedString(conv)
        + ", cmd="
        + cmd
        + ", frg="
        + frg
        + ", wnd="
        + wnd
        + ", ts="
        + Integer.toUnsignedString(ts)
        + ", sn="
        + Integer.toUnsignedString(sn)
        + ", una="
        + Integer.toUnsignedString(una)
        + ", len="
        + len
        + "}";
  }
}
