package io.jrpcx.registry.mdns;

import static io.jrpcx.registry.mdns.MdnsRegistryTest.SEEN;
import static io.jrpcx.registry.mdns.MdnsRegistryTest.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.mdns.Dns.Message;
import io.jrpcx.registry.mdns.Dns.Record;
import java.io.IOException;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whatever anyone on the LAN sends: the decoder rejects malformed messages with an IOException
 * and nothing else, compression pointers cannot loop, the cache stays bounded, and the receive
 * loop keeps going after garbage.
 */
class HostilePacketsTest {
  @RegisterExtension final Closer closer = new Closer();

  private static final List<String> VECTORS =
      List.of(
          "mdns_server_probe",
          "mdns_server_announce_1",
          "mdns_server_announce_2",
          "mdns_server_txt_refresh",
          "mdns_client_browse_query",
          "mdns_server_browse_response",
          "mdns_server_unregister_txt",
          "mdns_server_goodbye");

  /** Decodes, and feeds a browser and a responder, as the receive loop would. */
  private static void receive(byte[] b) {
    try {
      Message m = Dns.decode(b, b.length);
      new Browser("_rpcxservices.local.", System::nanoTime).received(m);
      GoPackets.zone(GoPackets.META).answer(m);
    } catch (IOException e) {
      // rejected: what the receive loop logs at DEBUG and drops
    }
  }

  @Test
  void everyTruncationOfGosMessagesIsRejectedOrReadWithoutOtherExceptions() {
    for (String v : VECTORS) {
      byte[] b = GoPackets.get(v);
      for (int n = 0; n < b.length; n++) {
        byte[] cut = Arrays.copyOf(b, n);
        assertThatThrownBy(() -> Dns.decode(cut, cut.length))
            .as(v + " cut at " + n)
            .isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void randomlyCorruptedMessagesNeverThrowAnythingButIOException() {
    Random random = new Random(13);
    for (int round = 0; round < 20_000; round++) {
      byte[] b = GoPackets.get(VECTORS.get(random.nextInt(VECTORS.size()))).clone();
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      receive(b); // fails the test with anything other than IOException
    }
  }

  @Test
  void compressionPointerLoopsAndForwardPointersAreRejected() {
    // Header with one question whose name is a pointer to itself (offset 12).
    byte[] self = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 12, 0, 1};
    assertThatThrownBy(() -> Dns.decode(self, self.length))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("pointer");
    // A label, then a pointer back to that label: endless without the length bound.
    byte[] loop = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', (byte) 0xC0, 12, 0, 12, 0, 1};
    assertThatThrownBy(() -> Dns.decode(loop, loop.length)).isInstanceOf(IOException.class);
    byte[] forward = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 20, 0, 12, 0, 1};
    assertThatThrownBy(() -> Dns.decode(forward, forward.length)).isInstanceOf(IOException.class);
  }

  @Test
  void aFloodOfInstancesIsCappedAndGoodbyesStillWork() {
    Browser b = new Browser("_rpcxservices.local.", System::nanoTime);
    List<Record> flood = new ArrayList<>();
    byte[] txt = RpcxTxt.rdata(List.of(new RpcxTxt.Entry("Arith", "", "tcp@10.0.0.1:1")));
    for (int i = 0; i < Browser.MAX_INSTANCES + 500; i++) {
      flood.add(
          Record.txt(
              "i" + i + "._rpcxservices.local.",
              0x8001,
              3200,
              List.of(Arrays.copyOfRange(txt, 1, txt.length))));
      if (flood.size() == 100) {
        b.received(new Message(0, 0x8000, List.of(), flood, List.of(), List.of()));
        flood.clear();
      }
    }
    b.received(new Message(0, 0x8000, List.of(), flood, List.of(), List.of()));
    assertThat(b.instances()).hasSize(Browser.MAX_INSTANCES);
    b.received(
        new Message(
            0,
            0x8000,
            List.of(),
            List.of(Record.txt("i0._rpcxservices.local.", 0x8001, 0, List.of())),
            List.of(),
            List.of()));
    assertThat(b.instances()).hasSize(Browser.MAX_INSTANCES - 1);
  }

  @Test
  void onlyPeersOnTheInterfacesOwnSubnetsAreHeard() throws Exception {
    MdnsSocket s =
        closer.later(
            new MdnsSocket(NetworkInterface.getByInetAddress(loopback()), (m, from) -> {}, "link"));
    assertThat(s.onLink(java.net.InetAddress.getByName("127.0.0.1"))).isTrue();
    assertThat(s.onLink(java.net.InetAddress.getByName("127.1.2.3"))).isTrue();
    assertThat(s.onLink(java.net.InetAddress.getByName("192.0.2.99"))).isFalse();
    assertThat(s.onLink(java.net.InetAddress.getByName("10.255.255.1"))).isFalse();
  }

  @Test
  @Timeout(40)
  void theReceiveLoopSurvivesGarbageAndReadsTheNextGoodMessage() throws Exception {
    MdnsSocket sender =
        closer.later(
            new MdnsSocket(
                NetworkInterface.getByInetAddress(loopback()), (m, from) -> {}, "hostile"));
    MdnsDiscovery d =
        closer.laterSlow(
            MdnsDiscovery.builder()
                .bindAddress(loopback())
                .timeout(Duration.ofMillis(1))
                .servicePath("Arith")
                .build());
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      byte[] junk = new byte[random.nextInt(600)];
      random.nextBytes(junk);
      sender.send(junk);
    }
    byte[] cut = GoPackets.get("mdns_server_announce_1");
    sender.send(Arrays.copyOf(cut, cut.length - 7));
    sender.send(GoPackets.get("mdns_server_announce_1"));
    await()
        .atMost(SEEN)
        .until(() -> d.services().equals(List.of(new KVPair(GoPackets.ADDRESS, GoPackets.META))));
    sender.send(GoPackets.get("mdns_server_goodbye"));
    await().atMost(SEEN).until(() -> d.services().isEmpty());
  }
}
