package io.jrpcx.transport.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * KCP's ARQ on its own, two ends wired through an in-memory link with a clock the test moves: a
 * stream arrives whole and in order through loss and reordering, a peer that never answers is
 * declared dead after 20 transmissions, and no input, however malformed, breaks it.
 */
class KcpArqTest {
  private static final int CONV = 0x11223344;

  /** One direction of the link: datagrams in flight, lost and reordered on request. */
  private static final class Link {
    final List<byte[]> inFlight = new ArrayList<>();

    Kcp.Output output() {
      return (buf, len) -> inFlight.add(Arrays.copyOfRange(buf, 0, len));
    }

    void deliver(Kcp to, int now, Random random, double loss) {
      List<byte[]> batch = new ArrayList<>(inFlight);
      inFlight.clear();
      Collections.shuffle(batch, random);
      for (byte[] d : batch) {
        if (random.nextDouble() >= loss) {
          to.input(d, DatagramLayers.RESERVED, d.length - DatagramLayers.RESERVED, true, true, now);
        }
      }
    }
  }

  @Test
  void aStreamArrivesWholeAndInOrderThroughLossAndReordering() {
    Random random = new Random(2026);
    Link ab = new Link();
    Link ba = new Link();
    Kcp a = new Kcp(CONV, DatagramLayers.RESERVED, ab.output());
    Kcp b = new Kcp(CONV, DatagramLayers.RESERVED, ba.output());
    byte[] data = new byte[300_000];
    random.nextBytes(data);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[64 << 10];
    int sent = 0;
    int now = 0;
    while (got.size() < data.length && now < 600_000) {
      while (sent < data.length && a.canSend()) {
        int n = Math.min(4000, data.length - sent);
        a.send(data, sent, n);
        sent += n;
      }
      a.flush(false, now);
      b.flush(false, now);
      ab.deliver(b, now, random, 0.2);
      ba.deliver(a, now, random, 0.2);
      int n;
      while ((n = b.recv(buf)) > 0) {
        got.write(buf, 0, n);
      }
      now += 10;
    }
    assertThat(got.toByteArray()).isEqualTo(data);
    assertThat(a.retransmits).isPositive();
  }

  @Test
  void aPeerThatNeverAnswersIsDeadAfterTwentyTransmissions() {
    Link lost = new Link();
    Kcp a = new Kcp(CONV, DatagramLayers.RESERVED, lost.output());
    a.flush(false, 0);
    a.send(new byte[] {1, 2, 3}, 0, 3);
    int now = 0;
    while (!a.isDead() && now < 10_000_000) {
      a.flush(false, now);
      now += 100;
    }
    assertThat(a.isDead()).isTrue();
    long pushes =
        lost.inFlight.stream().filter(d -> (d[DatagramLayers.RESERVED + 4] & 0xff) == 81).count();
    assertThat(pushes).isEqualTo(Kcp.DEADLINK);
  }

  @Test
  void malformedInputIsRejectedWithoutBreakingTheSession() {
    Random random = new Random(7);
    Link out = new Link();
    Kcp k = new Kcp(CONV, DatagramLayers.RESERVED, out.output());
    for (int i = 0; i < 20_000; i++) {
      byte[] junk = new byte[random.nextInt(200)];
      random.nextBytes(junk);
      if (junk.length >= 4 && random.nextBoolean()) {
        Segment.putInt(junk, 0, CONV); // past the conv check, into the parser
        if (junk.length >= 24 && random.nextBoolean()) {
          Segment.putInt(junk, 20, random.nextInt(junk.length)); // a plausible length
          junk[4] = (byte) (81 + random.nextInt(4));
        }
      }
      k.input(junk, 0, junk.length, random.nextBoolean(), true, i);
      k.flush(false, i);
    }
    // and it still talks: a well-formed PUSH sn 0 is delivered once the window allows
    Kcp fresh = new Kcp(CONV, DatagramLayers.RESERVED, out.output());
    Segment push = new Segment(3);
    push.conv = CONV;
    push.cmd = Segment.CMD_PUSH;
    push.wnd = 32;
    push.len = 3;
    push.data[0] = 9;
    byte[] wire = new byte[64];
    int end = push.encode(wire, 0);
    assertThat(fresh.input(wire, 0, end, true, true, 0)).isZero();
    assertThat(fresh.peekSize()).isEqualTo(3);
  }
}
