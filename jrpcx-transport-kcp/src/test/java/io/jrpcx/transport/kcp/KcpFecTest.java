package io.jrpcx.transport.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The FEC layer, from kcp-go's and klauspost/reedsolomon's sources where Go's recording has no
 * parity (three calls never fill a group of ten): the coding matrix, the parity datagrams'
 * headers and sequence ids, and recovery of a lost data datagram from parity alone.
 */
class KcpFecTest {
  private static final byte[] KEY = KcpConfig.pbkdf2("rpcx-key", "rpcx-salt");

  @Test
  void parityIsKlauspostsForItsOwnTestVector() {
    // klauspost/reedsolomon reedsolomon_test.go TestOneEncode: New(5, 5) on {0,1},{4,5},{2,3},
    // {6,7},{8,9} gives parity {12,13},{10,11},{14,15},{90,91},{94,95}
    ReedSolomon rs = new ReedSolomon(5, 5);
    byte[][] shards = {
      {0, 1},
      {4, 5},
      {2, 3},
      {6, 7},
      {8, 9},
      new byte[2],
      new byte[2],
      new byte[2],
      new byte[2],
      new byte[2]
    };
    rs.encodeParity(shards, 0, 2);
    assertThat(shards[5]).containsExactly(12, 13);
    assertThat(shards[6]).containsExactly(10, 11);
    assertThat(shards[7]).containsExactly(14, 15);
    assertThat(shards[8]).containsExactly(90, 91);
    assertThat(shards[9]).containsExactly(94, 95);
  }

  @Test
  void theCodingMatrixTopIsTheIdentity() {
    // reedsolomon.go buildMatrix: Vandermonde times the inverse of its top square
    ReedSolomon rs = DatagramLayers.RS;
    for (int r = 0; r < 10; r++) {
      for (int c = 0; c < 10; c++) {
        assertThat(rs.coefficient(r, c)).isEqualTo(r == c ? 1 : 0);
      }
    }
  }

  @Test
  void anyThreeLostShardsOfThirteenAreRebuilt() {
    ReedSolomon rs = DatagramLayers.RS;
    Random random = new Random(15);
    for (int trial = 0; trial < 50; trial++) {
      byte[][] shards = new byte[13][64];
      for (int i = 0; i < 10; i++) {
        random.nextBytes(shards[i]);
      }
      rs.encodeParity(shards, 0, 64);
      byte[][] original = Arrays.stream(shards).map(byte[]::clone).toArray(byte[][]::new);
      boolean[] present = new boolean[13];
      Arrays.fill(present, true);
      for (int lost = 0; lost < 3; ) {
        int i = random.nextInt(13);
        if (present[i]) {
          present[i] = false;
          shards[i] = new byte[64];
          lost++;
        }
      }
      assertThat(rs.reconstructData(shards, present, 0, 64)).isTrue();
      for (int i = 0; i < 10; i++) {
        assertThat(shards[i]).isEqualTo(original[i]);
      }
    }
  }

  @Test
  void threeParityDatagramsFollowEveryTenDataDatagrams() {
    // fec.go (v5.4.20) fecEncoder.encode/markData/markParity: seqids run on through parity, the
    // parity type is 0xf2 and a parity datagram is as long as the longest data datagram
    FecEncoder enc = new FecEncoder(DatagramLayers.RS, DatagramCrypt.HEADER);
    for (int group = 0; group < 2; group++) {
      int longest = 0;
      for (int i = 0; i < 10; i++) {
        int len = DatagramLayers.RESERVED + 24 + 10 * i + group;
        longest = Math.max(longest, len);
        byte[] buf = new byte[len];
        byte[][] parity = enc.encode(buf, len);
        assertThat(Segment.getInt(buf, 20)).isEqualTo(group * 13 + i);
        assertThat(Segment.getShort(buf, 24)).isEqualTo(0xf1);
        assertThat(Segment.getShort(buf, 26)).isEqualTo(len - 26);
        if (i < 9) {
          assertThat(parity).isNull();
        } else {
          assertThat(parity.length).isEqualTo(3);
          assertThat(enc.paritySize).isEqualTo(longest);
          for (int p = 0; p < 3; p++) {
            assertThat(Segment.getInt(parity[p], 20)).isEqualTo(group * 13 + 10 + p);
            assertThat(Segment.getShort(parity[p], 24)).isEqualTo(0xf2);
          }
        }
      }
    }
  }

  @Test
  void aLostDataDatagramIsRebuiltFromParityWithoutRetransmission() {
    DatagramLayers sender = new DatagramLayers(KEY);
    DatagramLayers receiver = new DatagramLayers(KEY);
    List<byte[]> wire = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    Random random = new Random(4);
    for (int i = 0; i < 10; i++) {
      byte[] kcpBytes = new byte[24 + random.nextInt(200)];
      random.nextBytes(kcpBytes);
      payloads.add(kcpBytes);
      byte[] buf = new byte[FecEncoder.MTU_LIMIT];
      System.arraycopy(kcpBytes, 0, buf, DatagramLayers.RESERVED, kcpBytes.length);
      sender.send(
          buf,
          DatagramLayers.RESERVED + kcpBytes.length,
          (d, len) -> wire.add(Arrays.copyOf(d, len)));
    }
    assertThat(wire).hasSize(13);
    long before = KcpCounters.FEC_RECOVERED.get();

    List<byte[]> regular = new ArrayList<>();
    List<byte[]> rebuilt = new ArrayList<>();
    for (int i = 0; i < wire.size(); i++) {
      if (i == 3) {
        continue; // lost on the way
      }
      byte[] d = wire.get(i);
      assertThat(
              receiver.receive(
                  d,
                  d.length,
                  (b, off, len, isRegular) ->
                      (isRegular ? regular : rebuilt).add(Arrays.copyOfRange(b, off, off + len))))
          .isTrue();
    }

    assertThat(regular).hasSize(9);
    assertThat(rebuilt).hasSize(1);
    assertThat(rebuilt.get(0)).isEqualTo(payloads.get(3));
    assertThat(KcpCounters.FEC_RECOVERED.get() - before).isEqualTo(1);
  }

  @Test
  void duplicatesAndOldGroupsAreIgnoredAndMemoryStaysBounded() {
    FecDecoder dec = new FecDecoder(DatagramLayers.RS);
    byte[] pkt = new byte[40];
    for (int seq = 0; seq < 13 * 20; seq += 2) {
      Segment.putInt(pkt, 0, seq);
      Segment.putShort(pkt, 4, seq % 13 < 10 ? 0xf1 : 0xf2);
      assertThat(dec.decode(pkt, 0, pkt.length)).isEmpty();
      assertThat(dec.decode(pkt, 0, pkt.length)).as("duplicate").isEmpty();
    }
    assertThat(dec.groupsHeld()).isLessThanOrEqualTo(FecDecoder.KEEP_GROUPS + 1);
  }

  @Test
  void garbageTruncatedOversizeAndForeignDatagramsAreDropped() {
    DatagramLayers sender = new DatagramLayers(KEY);
    List<byte[]> wire = new ArrayList<>();
    byte[] buf = new byte[FecEncoder.MTU_LIMIT];
    sender.send(buf, DatagramLayers.RESERVED + 24, (d, len) -> wire.add(Arrays.copyOf(d, len)));
    byte[] good = wire.get(0);
    DatagramLayers.KcpInput fail =
        (b, off, len, regular) -> {
          throw new AssertionError("handed on");
        };

    byte[] flipped = good.clone();
    flipped[30] ^= 1;
    assertThat(new DatagramLayers(KEY).receive(flipped, flipped.length, fail)).isFalse();
    byte[] truncated = Arrays.copyOf(good, good.length - 1);
    assertThat(new DatagramLayers(KEY).receive(truncated, truncated.length, fail)).isFalse();
    byte[] foreign = good.clone();
    byte[] otherKey = KcpConfig.pbkdf2("other-key", "rpcx-salt");
    assertThat(new DatagramLayers(otherKey).receive(foreign, foreign.length, fail)).isFalse();
    // longer than kcp-go's mtuLimit, though sealed with the key: more than any peer sends
    byte[] oversize = new byte[1600];
    oversize[DatagramCrypt.HEADER + 4] = (byte) 0xf1;
    DatagramCrypt crypt = new DatagramCrypt(KEY);
    crypt.fillNonce(oversize);
    crypt.seal(oversize, oversize.length);
    assertThat(new DatagramLayers(KEY).receive(oversize, oversize.length, fail)).isFalse();
    byte[] tiny = new byte[7];
    assertThat(new DatagramLayers(KEY).receive(tiny, tiny.length, fail)).isFalse();
  }
}
