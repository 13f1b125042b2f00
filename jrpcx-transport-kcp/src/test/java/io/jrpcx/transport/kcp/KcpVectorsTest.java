package io.jrpcx.transport.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The datagrams Go rpcx v1.9.1 (kcp-go v5) exchanged for three Arith.Mul calls on one session
 * ({@code src/test/resources/kcp-vectors}, from the shared interop vectors): each decrypts with
 * the rpcx examples' key, passes its checksum, has the FEC header and KCP segments the manifest
 * lists, and is re-made byte for byte from those fields and its nonce.
 */
class KcpVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final JsonNode MANIFEST = load();

  static final byte[] KEY = KcpConfig.pbkdf2("rpcx-key", "rpcx-salt");

  private static JsonNode load() {
    try (InputStream in = KcpVectorsTest.class.getResourceAsStream("/kcp-vectors/manifest.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bin(String name) {
    try (InputStream in =
        KcpVectorsTest.class.getResourceAsStream("/kcp-vectors/" + name + ".bin")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode vector(String name) {
    for (JsonNode v : MANIFEST.get("vectors")) {
      if (v.get("name").asText().equals(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException(name);
  }

  static Stream<String> names() {
    List<String> names = new ArrayList<>();
    MANIFEST.get("kcp").get("datagram_order").forEach(n -> names.add(n.asText()));
    return names.stream();
  }

  static byte[] open(String name) {
    byte[] d = bin(name);
    assertThat(new DatagramCrypt(KEY).open(d, d.length)).as("checksum of " + name).isTrue();
    return d;
  }

  @Test
  void rpcxExampleKeyIsPbkdf2OfItsPassword() {
    assertThat(HEX.formatHex(KEY))
        .isEqualTo("5f9d2ef0a6ed0eadb0a23ad75c5e93898821ebca13a778efa8586fc8002ad083");
  }

  @ParameterizedTest
  @MethodSource("names")
  void decryptsToTheRecordedPlaintextWithAValidChecksum(String name) {
    JsonNode v = vector(name);
    byte[] d = open(name);
    assertThat(HEX.formatHex(d)).isEqualTo(v.get("decrypted_hex").asText());
    assertThat(HEX.formatHex(d, 0, 16)).isEqualTo(v.get("nonce_hex").asText());
    assertThat(HEX.formatHex(d, 16, 20)).isEqualTo(v.get("crc32_le_hex").asText());
  }

  @ParameterizedTest
  @MethodSource("names")
  void fecHeaderAndSegmentsAreTheRecordedOnes(String name) {
    JsonNode v = vector(name);
    byte[] d = open(name);
    int fec = DatagramCrypt.HEADER;
    assertThat(Integer.toUnsignedLong(Segment.getInt(d, fec)))
        .isEqualTo(v.get("fec_seqid").asLong());
    assertThat(Segment.getShort(d, fec + 4)).isEqualTo(FecEncoder.TYPE_DATA);
    assertThat(Segment.getShort(d, fec + 6)).isEqualTo(v.get("fec_size").asInt());
    assertThat(Segment.getShort(d, fec + 6)).isEqualTo(d.length - fec - FecEncoder.HEADER);

    List<Segment> segments = segments(d);
    JsonNode expected = v.get("kcp_segments");
    assertThat(segments).hasSize(expected.size());
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      JsonNode e = expected.get(i);
      assertThat(Integer.toUnsignedLong(s.conv)).isEqualTo(e.get("conv").asLong());
      assertThat(s.cmd).isEqualTo(e.get("cmd").asInt());
      assertThat(s.frg).isEqualTo(e.get("frg").asInt());
      assertThat(s.wnd).isEqualTo(e.get("wnd").asInt());
      assertThat(Integer.toUnsignedLong(s.ts)).isEqualTo(e.get("ts").asLong());
      assertThat(Integer.toUnsignedLong(s.sn)).isEqualTo(e.get("sn").asLong());
      assertThat(Integer.toUnsignedLong(s.una)).isEqualTo(e.get("una").asLong());
      assertThat(s.len).isEqualTo(e.get("len").asInt());
      if (e.has("data_hex")) {
        assertThat(HEX.formatHex(s.data, 0, s.len)).isEqualTo(e.get("data_hex").asText());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void reencodingTheFieldsWithTheRecordedNonceGivesTheSameBytes(String name) {
    byte[] recorded = bin(name);
    byte[] d = open(name);
    long seqid = Integer.toUnsignedLong(Segment.getInt(d, DatagramCrypt.HEADER));

    byte[] out = new byte[FecEncoder.MTU_LIMIT];
    int p = DatagramLayers.RESERVED;
    for (Segment s : segments(d)) {
      p = s.encode(out, p);
    }
    assertThat(new FecEncoder(DatagramLayers.RS, DatagramCrypt.HEADER, seqid).encode(out, p))
        .isNull();
    System.arraycopy(d, 0, out, 0, DatagramCrypt.NONCE);
    new DatagramCrypt(KEY).seal(out, p);

    assertThat(HEX.formatHex(Arrays.copyOf(out, p))).isEqualTo(HEX.formatHex(recorded));
  }

  @Test
  void serverKcpAcksTheGoClientsFirstCallWithTheBytesGosServerSent() {
    // c2s_1 is the Go client's first request; Go's server answered with s2c_1, an ACK that echoes
    // the request's ts and says 31 of 32 receive slots are free (the request is still queued).
    byte[] request = open("kcp_c2s_1");
    byte[] answer = open("kcp_s2c_1");
    int conv = Segment.getInt(request, DatagramLayers.RESERVED);
    List<byte[]> sent = new ArrayList<>();
    FecEncoder fec = new FecEncoder(DatagramLayers.RS, DatagramCrypt.HEADER);
    Kcp kcp =
        new Kcp(
            conv,
            DatagramLayers.RESERVED,
            (buf, len) -> {
              assertThat(fec.encode(buf, len)).isNull();
              sent.add(Arrays.copyOf(buf, len));
            });
    int rc =
        kcp.input(
            request,
            DatagramLayers.RESERVED,
            request.length - DatagramLayers.RESERVED,
            true,
            true,
            1000);

    assertThat(rc).isZero();
    assertThat(sent).hasSize(1);
    byte[] ours = sent.get(0);
    assertThat(HEX.formatHex(ours, DatagramCrypt.HEADER, ours.length))
        .isEqualTo(HEX.formatHex(answer, DatagramCrypt.HEADER, answer.length));
    // and with Go's nonce, the datagram on the wire is Go's
    System.arraycopy(answer, 0, ours, 0, DatagramCrypt.NONCE);
    new DatagramCrypt(KEY).seal(ours, ours.length);
    assertThat(ours).isEqualTo(bin("kcp_s2c_1"));
    // the request's rpcx frame is delivered whole
    byte[] frame = new byte[Kcp.MTU_DEF];
    int n = kcp.recv(frame);
    assertThat(HEX.formatHex(frame, 0, n))
        .isEqualTo(vector("kcp_c2s_1").get("kcp_segments").get(0).get("data_hex").asText());
  }

  @Test
  void clientKcpSendsItsFirstRequestAsGosClientDid() {
    // kcp_c2s_1: PUSH sn 0 una 0 wnd 32 carrying the 47-byte request, FEC seqid 0
    byte[] recorded = open("kcp_c2s_1");
    Segment push = segments(recorded).get(0);
    List<byte[]> sent = new ArrayList<>();
    FecEncoder fec = new FecEncoder(DatagramLayers.RS, DatagramCrypt.HEADER);
    Kcp kcp =
        new Kcp(
            push.conv,
            DatagramLayers.RESERVED,
            (buf, len) -> {
              fec.encode(buf, len);
              sent.add(Arrays.copyOf(buf, len));
            });
    kcp.flush(false, push.ts); // the updater's first tick opens the congestion window
    kcp.send(push.data, 0, push.len);
    kcp.flush(false, push.ts);

    assertThat(sent).hasSize(1);
    byte[] ours = sent.get(0);
    assertThat(HEX.formatHex(ours, DatagramCrypt.HEADER, ours.length))
        .isEqualTo(HEX.formatHex(recorded, DatagramCrypt.HEADER, recorded.length));
  }

  static List<Segment> segments(byte[] opened) {
    List<Segment> out = new ArrayList<>();
    int p = DatagramLayers.RESERVED;
    Segment s;
    while ((s = Segment.decode(opened, p, opened.length)) != null) {
      out.add(s);
      p += s.size();
    }
    assertThat(p).as("segments fill the datagram").isEqualTo(opened.length);
    return out;
  }
}
