package io.jrpcx.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.mdns.Dns.Message;
import io.jrpcx.registry.mdns.Dns.Record;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.EchoService;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin's announcements and the discovery's reading over real multicast on 127.0.0.1 in one
 * JVM: the Go layout as a raw mDNS observer sees it, Go's own bytes read by the discovery, Go's
 * browse query answered, per-service filtering, unregister, and the 255-byte TXT limit.
 */
class MdnsRegistryTest {
  static final String TYPE = "_rpcxservices.local.";

  /** Generous: announcements arrive within a few hundred ms on loopback. */
  static final Duration SEEN = Duration.ofSeconds(15);

  @RegisterExtension final Closer closer = new Closer();

  static InetAddress loopback() throws Exception {
    return InetAddress.getByName("127.0.0.1");
  }

  /** Instance names of their own, so that parallel runs on one host do not mix. */
  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  MdnsDiscovery discovery(String service) throws Exception {
    return closer.laterSlow(
        MdnsDiscovery.builder()
            .bindAddress(loopback())
            .timeout(Duration.ofMillis(300))
            .watchInterval(Duration.ofSeconds(1))
            .servicePath(service)
            .build());
  }

  /** Another mDNS host on the group: records what arrives, sends raw bytes. */
  record RawHost(MdnsSocket socket, Queue<Message> seen) implements AutoCloseable {
    @Override
    public void close() {
      socket.close();
    }
  }

  RawHost rawHost() throws Exception {
    Queue<Message> seen = new ConcurrentLinkedQueue<>();
    MdnsSocket s =
        new MdnsSocket(
            NetworkInterface.getByInetAddress(loopback()), (m, from) -> seen.add(m), "raw-host");
    return closer.later(new RawHost(s, seen));
  }

  private static boolean announces(Message m, String instance) {
    return m.isResponse()
        && m.answers().stream().anyMatch(r -> r.type() == Dns.SRV && r.name().equals(instance));
  }

  @Test
  @Timeout(40)
  void aTemplateListsEveryServiceEveryHostAnnounces() throws Exception {
    String a = unique("every-a");
    String b = unique("every-b");
    for (String[] host : new String[][] {{a, "tcp@10.0.0.5:8972"}, {b, "tcp@10.0.0.6:8972"}}) {
      MdnsRegisterPlugin plugin =
          closer.laterSlow(
              MdnsRegisterPlugin.builder()
                  .serviceAddress(host[1])
                  .instanceName(host[0])
                  .hostName(host[0])
                  .bindAddress(loopback())
                  .updateInterval(Duration.ZERO)
                  .build());
      Server server = closer.later(Server.builder().plugin(plugin).build());
      server.register("Arith", new ArithService(), "weight=1");
      if (host[0].equals(b)) {
        server.register("Echo", new EchoService(), "group=g1");
      }
      server.start("tcp", "127.0.0.1:0");
    }
    MdnsDiscovery template =
        closer.laterSlow(
            MdnsDiscovery.builder()
                .bindAddress(loopback())
                .timeout(Duration.ofMillis(300))
                .watchInterval(Duration.ofSeconds(1))
                .build());
    assertThat(template.services()).isEmpty(); // a template still follows no service
    await()
        .atMost(SEEN)
        .untilAsserted(
            () ->
                assertThat(template.everyService())
                    .containsEntry(
                        "Arith",
                        List.of(
                            new KVPair("tcp@10.0.0.5:8972", "weight=1"),
                            new KVPair("tcp@10.0.0.6:8972", "weight=1")))
                    .containsEntry("Echo", List.of(new KVPair("tcp@10.0.0.6:8972", "group=g1"))));
  }

  @Test
  @Timeout(40)
  void announcesGosLayoutAndReportsOnlyTheAskedService() throws Exception {
    RawHost observer = rawHost();
    String name = unique("rpcx-layout");
    MdnsRegisterPlugin plugin =
        closer.laterSlow(
            MdnsRegisterPlugin.builder()
                .serviceAddress("tcp@10.0.0.5:8972")
                .instanceName(name)
                .hostName(name)
                .bindAddress(loopback())
                .updateInterval(Duration.ZERO)
                .build());
    Server server = closer.later(Server.builder().plugin(plugin).build());
    server.register("Arith", new ArithService(), "weight=10&group=g1");
    server.start("tcp", "127.0.0.1:0");
    assertThat(plugin.type()).isEqualTo(TYPE);
    assertThat(plugin.ttl()).isEqualTo(Duration.ofSeconds(3200));

    // What any mDNS host sees: zeroconf's announcement, with the one TXT string Go sends.
    String instance = name + "._rpcxservices.local.";
    Message a =
        await()
            .atMost(SEEN)
            .until(
                () ->
                    observer.seen().stream()
                        .filter(m -> announces(m, instance))
                        .findFirst()
                        .orElse(null),
                m -> m != null);
    assertThat(a.flags()).isEqualTo(0x8000);
    assertThat(a.answers())
        .extracting(Record::toString)
        .containsExactly(
            instance + " SRV class=0x8001 ttl=3200 0 0 8972 " + name + ".local.",
            instance
                + " TXT class=0x8001 ttl=3200 [%5B%7B%22service%22%3A%22Arith%22%2C%22meta"
                + "%22%3A%22weight%3D10%5Cu0026group%3Dg1%22%2C%22service_address%22%3A%22tcp%40"
                + "10.0.0.5%3A8972%22%7D%5D]",
            "_rpcxservices.local. PTR class=0x1 ttl=3200 " + instance,
            "_services._dns-sd._udp.local. PTR class=0x1 ttl=3200 _rpcxservices.local.",
            name + ".local. A class=0x8001 ttl=120 7f000001");

    MdnsDiscovery arith = discovery("Arith");
    await()
        .atMost(SEEN)
        .until(
            () ->
                arith
                    .services()
                    .equals(List.of(new KVPair("tcp@10.0.0.5:8972", "weight=10&group=g1"))));

    // A second service goes into the same TXT (232 bytes: it still fits one string); the Arith
    // discovery still lists one node.
    server.register("Echo", new EchoService(), "");
    MdnsDiscovery echo = discovery("Echo");
    await()
        .atMost(SEEN)
        .until(() -> echo.services().equals(List.of(new KVPair("tcp@10.0.0.5:8972", ""))));
    assertThat(arith.services()).hasSize(1);

    // Unregistering announces the rest of the list.
    server.unregister("Arith");
    await().atMost(SEEN).until(() -> arith.services().isEmpty());
    assertThat(echo.services()).hasSize(1);

    // close(): unregister TXT "[...]" and then the goodbye, every record with TTL 0.
    server.close();
    plugin.close();
    Message bye =
        await()
            .atMost(SEEN)
            .until(
                () ->
                    observer.seen().stream()
                        .filter(m -> announces(m, instance) && m.answers().get(0).ttl() == 0)
                        .findFirst()
                        .orElse(null),
                m -> m != null);
    assertThat(bye.answers()).allMatch(r -> r.ttl() == 0).hasSize(5);
    await().atMost(SEEN).until(() -> echo.services().isEmpty());
  }

  @Test
  @Timeout(40)
  void readsGoServersFromGosOwnBytesUntilTheirGoodbye() throws Exception {
    RawHost go = rawHost();
    MdnsDiscovery template =
        closer.laterSlow(
            MdnsDiscovery.builder()
                .bindAddress(loopback())
                .timeout(Duration.ofMillis(300))
                .watchInterval(Duration.ofSeconds(1))
                .build());
    MdnsDiscovery d = closer.laterSlow(template.clone("Arith"));
    go.socket().send(GoPackets.get("mdns_server_announce_1"));
    await()
        .atMost(SEEN)
        .until(() -> d.services().equals(List.of(new KVPair(GoPackets.ADDRESS, GoPackets.META))));

    go.socket().send(GoPackets.get("mdns_server_txt_refresh"));
    await()
        .atMost(SEEN)
        .until(
            () ->
                d.services()
                    .equals(List.of(new KVPair(GoPackets.ADDRESS, GoPackets.META_REFRESHED))));

    go.socket().send(GoPackets.get("mdns_server_goodbye"));
    await().atMost(SEEN).until(() -> d.services().isEmpty());
  }

  @Test
  @Timeout(40)
  void answersGosBrowseQuery() throws Exception {
    RawHost client = rawHost();
    String name = unique("rpcx-answer");
    MdnsRegisterPlugin plugin =
        closer.laterSlow(
            MdnsRegisterPlugin.builder()
                .serviceAddress("tcp@10.0.0.6:8973")
                .instanceName(name)
                .hostName(name)
                .bindAddress(loopback())
                .updateInterval(Duration.ZERO)
                .build());
    plugin.start();
    plugin.register("Arith", new ArithService(), "");
    String instance = name + "._rpcxservices.local.";
    byte[] query = GoPackets.get("mdns_client_browse_query");
    int id = Dns.decode(query, query.length).id();
    client.socket().send(query);
    Message answer =
        await()
            .atMost(SEEN)
            .until(
                () ->
                    client.seen().stream()
                        .filter(
                            m ->
                                m.id() == id
                                    && m.isResponse()
                                    && m.answers().stream()
                                        .anyMatch(r -> instance.equals(r.target())))
                        .findFirst()
                        .orElse(null),
                m -> m != null);
    assertThat(answer.flags()).isEqualTo(0x8400);
    assertThat(answer.answers())
        .extracting(Record::toString)
        .containsExactly("_rpcxservices.local. PTR class=0x1 ttl=3200 " + instance);
    assertThat(answer.additional())
        .extracting(Record::type)
        .containsExactly(Dns.SRV, Dns.TXT, Dns.A);
    assertThat(RpcxTxt.parse(answer.additional().get(1).strings()))
        .containsExactly(new RpcxTxt.Entry("Arith", "", "tcp@10.0.0.6:8973"));
  }

  @Test
  @Timeout(40)
  void servicesBeyondOneTxtStringAreLeftOutAndTheRestStaysReadable() throws Exception {
    String name = unique("rpcx-long");
    MdnsRegisterPlugin plugin =
        closer.laterSlow(
            MdnsRegisterPlugin.builder()
                .serviceAddress("tcp@10.0.0.7:8974")
                .instanceName(name)
                .hostName(name)
                .bindAddress(loopback())
                .updateInterval(Duration.ZERO)
                .build());
    plugin.start();
    plugin.register("Arith", new ArithService(), "weight=10&group=g1");
    plugin.register("Long", new EchoService(), "note=" + "x".repeat(120));
    plugin.register("Echo", new EchoService(), "");
    MdnsDiscovery arith = discovery("Arith");
    MdnsDiscovery echo = discovery("Echo");
    await().atMost(SEEN).until(() -> arith.services().size() == 1 && echo.services().size() == 1);
    byte[] txt = plugin.zone().txt();
    assertThat(txt.length).isLessThanOrEqualTo(255);
    assertThat(RpcxTxt.parse(List.of(txt)))
        .extracting(RpcxTxt.Entry::service)
        .containsExactly("Arith", "Echo");
    assertThat(new String(txt, StandardCharsets.US_ASCII)).doesNotContain("Long");
  }
}
