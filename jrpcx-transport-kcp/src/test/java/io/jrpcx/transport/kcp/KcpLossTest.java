package io.jrpcx.transport.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A link that loses 10% of datagrams and duplicates and reorders others: every call is still
 * answered correctly, KCP retransmits what FEC cannot rebuild, and FEC rebuilds some lost data
 * datagrams from parity.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KcpLossTest {
  private final KcpTestSupport kcp = new KcpTestSupport();

  @AfterEach
  void closeAll() throws Exception {
    kcp.close();
  }

  /** Echoes bytes. */
  public static final class Bytes {
    public byte[] echo(byte[] bytes) {
      return bytes;
    }
  }

  @Test
  void damagedDatagramsOnALiveSessionAreDroppedAndTheCallsStillAnswered() throws Exception {
    Server server = kcp.server(b -> {});
    LossyUdpProxy proxy = kcp.add(new LossyUdpProxy(address(server), 9, 0, 0, 0, 0.10));
    long checksumErrorsBefore = KcpCounters.CHECKSUM_ERRORS.get();
    Client client = kcp.client(proxy.address(), b -> {});
    for (int round = 0; round < 5; round++) {
      List<Call<Reply>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        calls.add(
            client.go(
                Context.background().withTimeout(Duration.ofSeconds(60)),
                "Arith",
                "Mul",
                new Args(round, i),
                Reply.class));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).done().get(90, TimeUnit.SECONDS).C).isEqualTo(round * i);
      }
    }
    assertThat(proxy.corrupted.get()).isPositive();
    assertThat(KcpCounters.CHECKSUM_ERRORS.get() - checksumErrorsBefore).isPositive();
    assertThat(server.activeConnections()).hasSize(1);
  }

  private static InetSocketAddress address(Server server) {
    String[] hp = server.address().split(":");
    return new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
  }

  @Test
  void everyCallIsAnsweredCorrectlyOverALossyReorderingDuplicatingLink() throws Exception {
    Server server = kcp.server(b -> {});
    server.register("Bytes", new Bytes(), "");
    LossyUdpProxy proxy = kcp.add(new LossyUdpProxy(address(server), 42, 0.10, 0.05, 0.05));
    long recoveredBefore = KcpCounters.FEC_RECOVERED.get();
    long retransmitsBefore = KcpCounters.RETRANSMITS.get();
    Client client = kcp.client(proxy.address(), b -> {});

    for (int round = 0; round < 10; round++) {
      List<Call<Reply>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        calls.add(
            client.go(
                Context.background().withTimeout(Duration.ofSeconds(60)),
                "Arith",
                "Mul",
                new Args(round, i),
                Reply.class));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).done().get(90, TimeUnit.SECONDS).C).isEqualTo(round * i);
      }
    }
    // a relay serves one client: the bytes go through a second one
    LossyUdpProxy proxy2 = kcp.add(new LossyUdpProxy(address(server), 43, 0.10, 0.05, 0.05));
    Client raw = kcp.client(proxy2.address(), b -> b.serializeType(SerializeType.NONE));
    byte[] big = new byte[512 << 10];
    new Random(7).nextBytes(big);
    long start = System.nanoTime();
    assertThat(
            raw.call(
                Context.background().withTimeout(Duration.ofSeconds(120)),
                "Bytes",
                "Echo",
                big,
                byte[].class))
        .isEqualTo(big);
    System.out.printf(
        "kcp 10%% loss: 512 KB each way in %d ms%n", (System.nanoTime() - start) / 1_000_000);

    long recovered = KcpCounters.FEC_RECOVERED.get() - recoveredBefore;
    long retransmits = KcpCounters.RETRANSMITS.get() - retransmitsBefore;
    System.out.printf(
        "kcp 10%% loss: dropped %d, duplicated %d, reordered %d; FEC recovered %d, "
            + "retransmitted %d%n",
        proxy.dropped.get() + proxy2.dropped.get(),
        proxy.duplicated.get() + proxy2.duplicated.get(),
        proxy.reordered.get() + proxy2.reordered.get(),
        recovered,
        retransmits);
    assertThat(proxy.dropped.get()).isPositive();
    assertThat(proxy.duplicated.get()).isPositive();
    assertThat(proxy.reordered.get()).isPositive();
    assertThat(recovered).isPositive();
  }
}
