package io.jrpcx.transport.kcp;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * The KCP ARQ of one session, as kcp-go v5.4.20's {@code kcp.go} runs it: segments numbered by
 * {@code sn}, cumulative {@code una} plus selective ACKs, retransmission on RTO, fast and early
 * retransmission on skipped ACKs, send and receive windows, a congestion window, window probes
 * ({@code WASK}/{@code WINS}), and stream mode (writes coalesced into full segments, {@code frg}
 * always 0). Sequence numbers and timestamps are unsigned 32-bit values compared by their signed
 * difference, as {@code _itimediff} does.
 *
 * <p>Bytes go out through {@link Output} in buffers of at most {@code mtu} bytes whose first
 * {@code reserved} bytes are left for the layers below (FEC and crypt headers, kcp-go's {@code
 * ReserveBytes}). Confined to one thread (the session's event loop); the clock is the caller's.
 */
final class Kcp {
  /** Receives a buffer of {@code len} bytes, the segments at {@code reserved..len}. */
  interface Output {
    void output(byte[] buf, int len);
  }

  static final int RTO_NDL = 30;
  static final int RTO_MIN = 100;
  static final int RTO_DEF = 200;
  static final int RTO_MAX = 60000;
  static final int ASK_SEND = 1;
  static final int ASK_TELL = 2;
  static final int WND_SND = 32;
  static final int WND_RCV = 32;
  static final int MTU_DEF = 1400;
  static final int INTERVAL = 100;
  static final int DEADLINK = 20;
  static final int THRESH_INIT = 2;
  static final int THRESH_MIN = 2;
  static final int PROBE_INIT = 7000;
  static final int PROBE_LIMIT = 120000;

  final int conv;
  private final Output output;
  private final int mtu;
  final int mss;
  private final int reserved;
  private final byte[] buffer;

  private int sndUna;
  private int sndNxt;
  private int rcvNxt;
  private int ssthresh = THRESH_INIT;
  private int rxRttvar;
  private int rxSrtt;
  private int rxRto = RTO_DEF;
  private int rxMinrto = RTO_MIN;
  final int sndWnd;
  final int rcvWnd;
  int rmtWnd = WND_RCV;
  private int cwnd;
  private int incr;
  private int probe;
  private int tsProbe;
  private int probeWait;
  private final int interval = INTERVAL;
  private final boolean nodelay = false;
  private final boolean nocwnd = false;
  private final int fastresend = 0;
  private final boolean stream = true;
  private boolean dead;

  private final ArrayDeque<Segment> sndQueue = new ArrayDeque<>();
  private final ArrayList<Segment> sndBuf = new ArrayList<>();
  private final ArrayList<Segment> rcvBuf = new ArrayList<>();
  private final ArrayDeque<Segment> rcvQueue = new ArrayDeque<>();
  private int[] acklist = new int[16];
  private int ackcount;

  /** Retransmitted segments, for the session's counters. */
  long retransmits;

  Kcp(int conv, int reserved, Output output) {
    this(conv, reserved, MTU_DEF, WND_SND, WND_RCV, output);
  }

  Kcp(int conv, int reserved, int mtu, int sndWnd, int rcvWnd, Output output) {
    this.conv = conv;
    this.output = output;
    this.mtu = mtu;
    this.reserved = reserved;
    this.mss = mtu - Segment.OVERHEAD - reserved;
    this.buffer = new byte[mtu];
    this.sndWnd = sndWnd;
    this.rcvWnd = rcvWnd;
    // 0 as in kcp-go: the first flush (the timer starts with one) opens it to 1
    this.cwnd = 0;
  }

  private static int diff(int later, int earlier) {
    return later - earlier;
  }

  /** Whether a segment was sent {@value #DEADLINK} times without an ACK: the peer is gone. */
  boolean isDead() {
    return dead;
  }

  /** Segments queued or in flight, not yet acknowledged (kcp-go {@code WaitSnd}). */
  int waitSnd() {
    return sndBuf.size() + sndQueue.size();
  }

  /** Whether a writer may queue more: what kcp-go's {@code WriteBuffers} waits for. */
  boolean canSend() {
    int w = waitSnd();
    return w < sndWnd && w < rmtWnd;
  }

  /** Size of the next message to receive, or -1 when none is complete (kcp-go {@code PeekSize}). */
  int peekSize() {
    Segment seg = rcvQueue.peekFirst();
    if (seg == null) {
      return -1;
    }
    if (seg.frg == 0) {
      return seg.len;
    }
    if (rcvQueue.size() < seg.frg + 1) {
      return -1;
    }
    int length = 0;
    for (Segment s : rcvQueue) {
      length += s.len;
      if (s.frg == 0) {
        break;
      }
    }
    return length;
  }

  /**
   * Moves the next message into {@code out} (at least {@link #peekSize} bytes) and returns its
   * length, or -1 when there is none (kcp-go {@code Recv}).
   */
  int recv(byte[] out) {
    int size = peekSize();
    if (size < 0) {
      return -1;
    }
    boolean fastRecover = rcvQueue.size() >= rcvWnd;
    int n = 0;
    while (!rcvQueue.isEmpty()) {
      Segment seg = rcvQueue.pollFirst();
      System.arraycopy(seg.data, 0, out, n, seg.len);
      n += seg.len;
      if (seg.frg == 0) {
        break;
      }
    }
    moveReceived();
    if (rcvQueue.size() < rcvWnd && fastRecover) {
      // the window was full and opens again: tell the peer at the next flush
      probe |= ASK_TELL;
    }
    return n;
  }

  /**
   * Queues {@code len} bytes of {@code data} from {@code off} for sending, coalesced into the last
   * queued segment first (stream mode). {@code len} must be at most {@code 255 * mss}.
   */
  void send(byte[] data, int off, int len) {
    if (len <= 0) {
      return;
    }
    if (stream) {
      Segment last = sndQueue.peekLast();
      if (last != null && last.len < mss) {
        int extend = Math.min(mss - last.len, len);
        System.arraycopy(data, off, last.data, last.len, extend);
        last.len += extend;
        off += extend;
        len -= extend;
      }
      if (len == 0) {
        return;
      }
    }
    int count = len <= mss ? 1 : (len + mss - 1) / mss;
    if (count > 255) {
      throw new IllegalArgumentException("a message of " + len + " bytes needs over 255 segments");
    }
    for (int i = 0; i < count; i++) {
      int size = Math.min(len, mss);
      Segment seg = new Segment(mss);
      System.arraycopy(data, off, seg.data, 0, size);
      seg.len = size;
      seg.frg = stream ? 0 : count - i - 1;
      sndQueue.addLast(seg);
      off += size;
      len -= size;
    }
  }

  private void updateAck(int rtt) {
    if (rxSrtt == 0) {
      rxSrtt = rtt;
      rxRttvar = rtt >> 1;
    } else {
      int delta = rtt - rxSrtt;
      rxSrtt += delta >> 3;
      if (delta < 0) {
        delta = -delta;
      }
      if (rtt < rxSrtt - rxRttvar) {
        // a much smaller RTT than usual moves the variance slowly
        rxRttvar += (delta - rxRttvar) >> 5;
      } else {
        rxRttvar += (delta - rxRttvar) >> 2;
      }
    }
    int rto = rxSrtt + Math.max(interval, rxRttvar << 2);
    rxRto = Math.min(Math.max(rxMinrto, rto), RTO_MAX);
  }

  private void shrinkBuf() {
    sndUna = sndBuf.isEmpty() ? sndNxt : sndBuf.get(0).sn;
  }

  private void parseAck(int sn) {
    if (diff(sn, sndUna) < 0 || diff(sn, sndNxt) >= 0) {
      return;
    }
    for (Segment seg : sndBuf) {
      if (sn == seg.sn) {
        // kept until una passes it, as kcp-go does, but never sent again
        seg.acked = true;
        break;
      }
      if (diff(sn, seg.sn) < 0) {
        break;
      }
    }
  }

  private void parseFastack(int sn, int ts) {
    if (diff(sn, sndUna) < 0 || diff(sn, sndNxt) >= 0) {
      return;
    }
    for (Segment seg : sndBuf) {
      if (diff(sn, seg.sn) < 0) {
        break;
      } else if (sn != seg.sn && diff(seg.ts, ts) <= 0) {
        seg.fastack++;
      }
    }
  }

  private void parseUna(int una) {
    int count = 0;
    for (Segment seg : sndBuf) {
      if (diff(una, seg.sn) > 0) {
        count++;
      } else {
        break;
      }
    }
    if (count > 0) {
      sndBuf.subList(0, count).clear();
    }
  }

  private void ackPush(int sn, int ts) {
    if (ackcount * 2 + 2 > acklist.length) {
      acklist = java.util.Arrays.copyOf(acklist, acklist.length * 2);
    }
    acklist[ackcount * 2] = sn;
    acklist[ackcount * 2 + 1] = ts;
    ackcount++;
  }

  private void parseData(Segment newseg) {
    int sn = newseg.sn;
    if (diff(sn, rcvNxt + rcvWnd) >= 0 || diff(sn, rcvNxt) < 0) {
      return;
    }
    int insert = 0;
    boolean repeat = false;
    for (int i = rcvBuf.size() - 1; i >= 0; i--) {
      Segment seg = rcvBuf.get(i);
      if (seg.sn == sn) {
        repeat = true;
        break;
      }
      if (diff(sn, seg.sn) > 0) {
        insert = i + 1;
        break;
      }
    }
    if (!repeat) {
      rcvBuf.add(insert, newseg);
    }
    moveReceived();
  }

  /** Moves in-order segments from the receive buffer to the queue, within the window. */
  private void moveReceived() {
    int count = 0;
    for (Segment seg : rcvBuf) {
      if (seg.sn == rcvNxt && rcvQueue.size() < rcvWnd) {
        rcvNxt++;
        rcvQueue.addLast(seg);
        count++;
      } else {
        break;
      }
    }
    if (count > 0) {
      rcvBuf.subList(0, count).clear();
    }
  }

  /**
   * Takes the segments in {@code data[off..off+len)} (kcp-go {@code Input}). {@code regular} is
   * false for segments recovered by FEC: they do not update the peer's window or the RTT. With
   * {@code ackNoDelay} the ACKs go out at once.
   *
   * @return 0, or negative for a malformed or foreign (other conv) input, which is dropped from
   *     that segment on
   */
  int input(byte[] data, int off, int len, boolean regular, boolean ackNoDelay, int current) {
    int prevUna = sndUna;
    if (len < Segment.OVERHEAD) {
      return -1;
    }
    int latest = 0;
    boolean acked = false;
    int end = off + len;
    while (end - off >= Segment.OVERHEAD) {
      int segConv = Segment.getInt(data, off);
      if (segConv != conv) {
        return -1;
      }
      int cmd = data[off + 4] & 0xff;
      int frg = data[off + 5] & 0xff;
      int wnd = Segment.getShort(data, off + 6);
      int ts = Segment.getInt(data, off + 8);
      int sn = Segment.getInt(data, off + 12);
      int una = Segment.getInt(data, off + 16);
      int length = Segment.getInt(data, off + 20);
      off += Segment.OVERHEAD;
      if (length < 0 || end - off < length) {
        return -2;
      }
      if (cmd != Segment.CMD_PUSH
          && cmd != Segment.CMD_ACK
          && cmd != Segment.CMD_WASK
          && cmd != Segment.CMD_WINS) {
        return -3;
      }
      if (regular) {
        rmtWnd = wnd;
      }
      parseUna(una);
      shrinkBuf();
      if (cmd == Segment.CMD_ACK) {
        parseAck(sn);
        parseFastack(sn, ts);
        acked = true;
        latest = ts;
      } else if (cmd == Segment.CMD_PUSH) {
        if (diff(sn, rcvNxt + rcvWnd) < 0) {
          ackPush(sn, ts);
          if (diff(sn, rcvNxt) >= 0) {
            Segment seg = new Segment(length);
            seg.conv = segConv;
            seg.cmd = cmd;
            seg.frg = frg;
            seg.wnd = wnd;
            seg.ts = ts;
            seg.sn = sn;
            seg.una = una;
            System.arraycopy(data, off, seg.data, 0, length);
            seg.len = length;
            parseData(seg);
          }
        }
      } else if (cmd == Segment.CMD_WASK) {
        // the peer asks for our window: tell it at the next flush
        probe |= ASK_TELL;
      }
      off += length;
    }
    if (acked && regular && diff(current, latest) >= 0) {
      updateAck(diff(current, latest));
    }
    if (!nocwnd && diff(sndUna, prevUna) > 0 && cwnd < rmtWnd) {
      if (cwnd < ssthresh) {
        cwnd++;
        incr += mss;
      } else {
        if (incr < mss) {
          incr = mss;
        }
        incr += (mss * mss) / incr + (mss / 16);
        if ((cwnd + 1) * mss <= incr) {
          cwnd++;
        }
      }
      if (cwnd > rmtWnd) {
        cwnd = rmtWnd;
        incr = rmtWnd * mss;
      }
    }
    if (ackNoDelay && ackcount > 0) {
      flush(true, current);
    }
    return 0;
  }

  private int wndUnused() {
    return rcvQueue.size() < rcvWnd ? rcvWnd - rcvQueue.size() : 0;
  }

  private int pos;

  private void makeSpace(int space) {
    if (pos + space > mtu) {
      output.output(buffer, pos);
      pos = reserved;
    }
  }

  private void flushBuffer() {
    if (pos > reserved) {
      output.output(buffer, pos);
    }
    pos = reserved;
  }

  /**
   * Sends what is due (kcp-go {@code flush}): pending ACKs, window probes, new segments within the
   * window, retransmissions. With {@code ackOnly} just the ACKs. Returns the milliseconds until
   * the next flush is due, at most the interval.
   */
  int flush(boolean ackOnly, int current) {
    pos = reserved;
    Segment seg = new Segment(0);
    seg.conv = conv;
    seg.cmd = Segment.CMD_ACK;
    seg.wnd = wndUnused();
    seg.una = rcvNxt;

    for (int i = 0; i < ackcount; i++) {
      makeSpace(Segment.OVERHEAD);
      int sn = acklist[i * 2];
      // ACKs below rcv_nxt are covered by una; the last one always goes, as in kcp-go
      if (diff(sn, rcvNxt) >= 0 || i == ackcount - 1) {
        seg.sn = sn;
        seg.ts = acklist[i * 2 + 1];
        pos = seg.encode(buffer, pos);
      }
    }
    ackcount = 0;

    if (ackOnly) {
      flushBuffer();
      return interval;
    }

    if (rmtWnd == 0) {
      if (probeWait == 0) {
        probeWait = PROBE_INIT;
        tsProbe = current + probeWait;
      } else if (diff(current, tsProbe) >= 0) {
        if (probeWait < PROBE_INIT) {
          probeWait = PROBE_INIT;
        }
        probeWait += probeWait / 2;
        if (probeWait > PROBE_LIMIT) {
          probeWait = PROBE_LIMIT;
        }
        tsProbe = current + probeWait;
        probe |= ASK_SEND;
      }
    } else {
      tsProbe = 0;
      probeWait = 0;
    }
    if ((probe & ASK_SEND) != 0) {
      seg.cmd = Segment.CMD_WASK;
      makeSpace(Segment.OVERHEAD);
      pos = seg.encode(buffer, pos);
    }
    if ((probe & ASK_TELL) != 0) {
      seg.cmd = Segment.CMD_WINS;
      makeSpace(Segment.OVERHEAD);
      pos = seg.encode(buffer, pos);
    }
    probe = 0;

    int window = Math.min(sndWnd, rmtWnd);
    if (!nocwnd) {
      window = Math.min(cwnd, window);
    }
    int newSegs = 0;
    while (!sndQueue.isEmpty() && diff(sndNxt, sndUna + window) < 0) {
      Segment newseg = sndQueue.pollFirst();
      newseg.conv = conv;
      newseg.cmd = Segment.CMD_PUSH;
      newseg.sn = sndNxt++;
      sndBuf.add(newseg);
      newSegs++;
    }

    // unsigned, as kcp-go's uint32: "never" is 0xffffffff, and cwnd = ssthresh + resent wraps
    int resent = fastresend > 0 ? fastresend : -1;
    int change = 0;
    int lost = 0;
    int minrto = interval;
    for (Segment s : sndBuf) {
      if (s.acked) {
        continue;
      }
      boolean needsend = false;
      if (s.xmit == 0) {
        needsend = true;
        s.rto = rxRto;
        s.resendts = current + s.rto;
      } else if (Integer.compareUnsigned(s.fastack, resent) >= 0) {
        needsend = true;
        s.fastack = 0;
        s.rto = rxRto;
        s.resendts = current + s.rto;
        change++;
      } else if (s.fastack > 0 && newSegs == 0) {
        // early retransmit: a later segment was acknowledged and nothing new goes out
        needsend = true;
        s.fastack = 0;
        s.rto = rxRto;
        s.resendts = current + s.rto;
        change++;
      } else if (diff(current, s.resendts) >= 0) {
        needsend = true;
        s.rto += nodelay ? rxRto / 2 : rxRto;
        s.fastack = 0;
        s.resendts = current + s.rto;
        lost++;
      }
      if (needsend) {
        if (s.xmit > 0) {
          retransmits++;
        }
        s.xmit++;
        s.ts = current;
        s.wnd = seg.wnd;
        s.una = seg.una;
        makeSpace(Segment.OVERHEAD + s.len);
        pos = s.encode(buffer, pos);
        if (s.xmit >= DEADLINK) {
          dead = true;
        }
      }
      int rto = diff(s.resendts, current);
      if (rto > 0 && rto < minrto) {
        minrto = rto;
      }
    }
    flushBuffer();

    if (!nocwnd) {
      if (change > 0) {
        int inflight = sndNxt - sndUna;
        ssthresh = Math.max(inflight / 2, THRESH_MIN);
        cwnd = ssthresh + resent;
        incr = cwnd * mss;
      }
      if (lost > 0) {
        ssthresh = Math.max(window / 2, THRESH_MIN);
        cwnd = 1;
        incr = mss;
      }
      if (cwnd < 1) {
        cwnd = 1;
        incr = mss;
      }
    }
    return minrto;
  }
}
