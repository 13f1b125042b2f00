package io.jrpcx.transport.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.server.Server;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's kcp client, replayed: the five datagrams the Go rpcx v1.9.1 client sent (three Arith.Mul
 * calls in msgpack on one session) go byte for byte to a jrpcx server, which answers each call on
 * the KCP stream with the rpcx frame Go's server sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KcpGoClientReplayTest {
  private static final HexFormat HEX = HexFormat.of();
  private final KcpTestSupport kcp = new KcpTestSupport();

  @AfterEach
  void closeAll() throws Exception {
    kcp.close();
  }

  @Test
  void aJrpcxServerAnswersGosRecordedClientWithGosResponseFrames() throws Exception {
    Server server = kcp.server(b -> {});
    String[] hp = server.address().split(":");
    String firstResponse =
        KcpVectorsTest.vector("kcp_s2c_2").get("kcp_segments").get(0).get("data_hex").asText();
    String secondResponse =
        KcpVectorsTest.vector("kcp_s2c_4").get("kcp_segments").get(0).get("data_hex").asText();
    // the third answer was not recorded: it is the second with seq 2
    String thirdResponse =
        secondResponse.substring(0, 8) + "0000000000000002" + secondResponse.substring(24);

    try (DatagramChannel go = DatagramChannel.open()) {
      go.bind(new InetSocketAddress("127.0.0.1", 0));
      go.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
      Map<Long, String> pushed = new TreeMap<>();

      send(go, "kcp_c2s_1"); // PUSH sn 0: the first request
      awaitPush(go, pushed, 0);
      send(go, "kcp_c2s_2"); // ACK sn 0
      send(go, "kcp_c2s_3"); // PUSH sn 1: the second request
      awaitPush(go, pushed, 1);
      send(go, "kcp_c2s_4"); // ACK sn 1
      send(go, "kcp_c2s_5"); // PUSH sn 2: the third request
      awaitPush(go, pushed, 2);

      assertThat(pushed.get(0L)).isEqualTo(firstResponse);
      assertThat(pushed.get(1L)).isEqualTo(secondResponse);
      assertThat(pushed.get(2L)).isEqualTo(thirdResponse);
    }
  }

  private static void send(DatagramChannel go, String name) throws Exception {
    go.write(ByteBuffer.wrap(KcpVectorsTest.bin(name)));
  }

  /** Reads the server's datagrams until its PUSH {@code sn} arrived; records every PUSH's data. */
  private static void awaitPush(DatagramChannel go, Map<Long, String> pushed, long sn)
      throws Exception {
    DatagramCrypt crypt = new DatagramCrypt(KcpVectorsTest.KEY);
    ByteBuffer buf = ByteBuffer.allocate(2048);
    while (!pushed.containsKey(sn)) {
      buf.clear();
      go.read(buf);
      byte[] d = new byte[buf.flip().remaining()];
      buf.get(d);
      assertThat(crypt.open(d, d.length)).isTrue();
      if (Segment.getShort(d, DatagramCrypt.HEADER + 4) != FecEncoder.TYPE_DATA) {
        continue; // parity
      }
      for (Segment s : KcpVectorsTest.segments(d)) {
        assertThat(Integer.toUnsignedLong(s.conv)).isEqualTo(3180794613L);
        if (s.cmd == Segment.CMD_PUSH) {
          pushed.putIfAbsent(Integer.toUnsignedLong(s.sn), HEX.formatHex(s.data, 0, s.len));
        }
      }
    }
  }
}
