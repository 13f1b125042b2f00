package io.jrpcx.registry.mdns;

import static io.jrpcx.registry.mdns.GoPackets.ADDRESS;
import static io.jrpcx.registry.mdns.GoPackets.META;
import static io.jrpcx.registry.mdns.GoPackets.META_REFRESHED;
import static io.jrpcx.registry.mdns.GoPackets.zone;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.registry.mdns.Dns.Message;
import io.jrpcx.registry.mdns.Dns.Record;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * jrpcx's mDNS messages against the ones Go rpcx sent in the interop capture, byte for byte
 * (compression included), and record by record so that a difference names the record; and
 * jrpcx's discovery reading every one of Go's messages.
 */
class GoPacketsTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Prints the record-by-record comparison and asserts the whole message bytes are equal. */
  private static void assertSameAsGo(String vector, byte[] ours) throws IOException {
    byte[] go = GoPackets.get(vector);
    Message g = Dns.decode(go, go.length);
    Message j = Dns.decode(ours, ours.length);
    List<String> table = new ArrayList<>();
    table.add(
        "[golden] "
            + vector
            + " header | go id="
            + g.id()
            + " flags="
            + Integer.toHexString(g.flags())
            + " | jrpcx id="
            + j.id()
            + " flags="
            + Integer.toHexString(j.flags())
            + " | "
            + (g.flags() == j.flags() && g.id() == j.id()));
    String[] names = {"question", "answer", "authority", "additional"};
    List<List<?>> gs = List.of(g.questions(), g.answers(), g.authority(), g.additional());
    List<List<?>> js = List.of(j.questions(), j.answers(), j.authority(), j.additional());
    for (int s = 0; s < 4; s++) {
      for (int i = 0; i < Math.max(gs.get(s).size(), js.get(s).size()); i++) {
        Object a = i < gs.get(s).size() ? gs.get(s).get(i) : null;
        Object b = i < js.get(s).size() ? js.get(s).get(i) : null;
        table.add(
            "[golden] "
                + vector
                + " "
                + names[s]
                + " "
                + i
                + " | "
                + a
                + " | "
                + b
                + " | "
                + same(a, b));
      }
    }
    table.forEach(System.out::println);
    assertThat(table).allMatch(l -> l.endsWith("| true"), "every record equal");
    assertThat(HEX.formatHex(ours)).as(vector + " bytes").isEqualTo(HEX.formatHex(go));
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Record x && b instanceof Record y) {
      return x.toString().equals(y.toString()); // records hold arrays: compare their rendering
    }
    return a != null && a.equals(b);
  }

  @Test
  void firstAnnouncementIsGosByteForByte() throws IOException {
    assertSameAsGo("mdns_server_announce_1", Dns.encode(zone(META).announcement(), true));
  }

  @Test
  void secondAnnouncementWithRefreshedRatesIsGosByteForByte() throws IOException {
    assertSameAsGo("mdns_server_announce_2", Dns.encode(zone(META_REFRESHED).announcement(), true));
  }

  @Test
  void txtRefreshIsGosByteForByte() throws IOException {
    assertSameAsGo("mdns_server_txt_refresh", Dns.encode(zone(META_REFRESHED).textUpdate(), false));
  }

  @Test
  void unregisterTxtIsGosByteForByte() throws IOException {
    assertSameAsGo("mdns_server_unregister_txt", Dns.encode(zone(null).textUpdate(), false));
  }

  @Test
  void goodbyeIsGosByteForByte() throws IOException {
    assertSameAsGo("mdns_server_goodbye", Dns.encode(zone(null).goodbye(), false));
  }

  @Test
  void probeIsGosByteForByteApartFromItsRandomId() throws IOException {
    Message go = GoPackets.decode("mdns_server_probe");
    assertSameAsGo("mdns_server_probe", Dns.encode(zone(META).probe(go.id()), false));
  }

  @Test
  void browseQueryIsGosByteForByteApartFromItsRandomId() throws IOException {
    Message go = GoPackets.decode("mdns_client_browse_query");
    Browser browser = new Browser("_rpcxservices.local.", System::nanoTime);
    assertSameAsGo("mdns_client_browse_query", Dns.encode(browser.query(go.id()), false));
    assertThat(GoPackets.get("mdns_client_browse_query")).hasSize(37);
  }

  @Test
  void answersGosBrowseQueryWithGosResponse() throws IOException {
    List<Zone.Response> answers =
        zone(META_REFRESHED).answer(GoPackets.decode("mdns_client_browse_query"));
    assertThat(answers).hasSize(1);
    assertThat(answers.get(0).unicast()).isFalse();
    assertSameAsGo("mdns_server_browse_response", Dns.encode(answers.get(0).message(), true));
  }

  @Test
  void answersInstanceAndEnumerationQuestionsAsZeroconfAndUnicastWhenAsked() {
    Zone z = zone(META);
    Message instance =
        new Message(
            7,
            0,
            List.of(
                new Dns.Question(
                    "rpcx-go-host._rpcxservices.local.", Dns.TXT, 1 | Dns.UNICAST_RESPONSE)),
            List.of(),
            List.of(),
            List.of());
    List<Zone.Response> r = z.answer(instance);
    assertThat(r)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.unicast()).isTrue();
              assertThat(x.message().id()).isEqualTo(7);
              assertThat(x.message().answers())
                  .extracting(Record::type)
                  .containsExactly(Dns.SRV, Dns.TXT, Dns.PTR, Dns.PTR, Dns.A);
              assertThat(x.message().answers()).noneMatch(Record::cacheFlush);
            });
    Message types =
        new Message(
            8,
            0,
            List.of(new Dns.Question("_services._dns-sd._udp.local.", Dns.PTR, 1)),
            List.of(),
            List.of(),
            List.of());
    assertThat(z.answer(types))
        .singleElement()
        .satisfies(
            x ->
                assertThat(x.message().answers())
                    .extracting(Record::toString)
                    .containsExactly(
                        "_services._dns-sd._udp.local. PTR class=0x1 ttl=3200 _rpcxservices.local."));
    Message other =
        new Message(
            9,
            0,
            List.of(new Dns.Question("_http._tcp.local.", Dns.PTR, 1)),
            List.of(),
            List.of(),
            List.of());
    assertThat(z.answer(other)).isEmpty();
  }

  @Test
  void ignoresProbesAndKnownAnswers() throws IOException {
    assertThat(zone(META).answer(GoPackets.decode("mdns_server_probe"))).isEmpty();
    Message query = GoPackets.decode("mdns_client_browse_query");
    Message withKnown =
        new Message(
            query.id(),
            0,
            query.questions(),
            List.of(
                Record.ptr("_rpcxservices.local.", 1, 3200, "rpcx-go-host._rpcxservices.local.")),
            List.of(),
            List.of());
    assertThat(zone(META).answer(withKnown)).isEmpty();
  }

  @Test
  void discoveryReadsEveryGoServerMessage() throws IOException {
    AtomicLong now = new AtomicLong(1);
    for (String v :
        List.of(
            "mdns_server_announce_1",
            "mdns_server_announce_2",
            "mdns_server_txt_refresh",
            "mdns_server_browse_response")) {
      Browser b = new Browser("_rpcxservices.local.", now::get);
      b.received(GoPackets.decode(v));
      assertThat(b.instances()).as(v).hasSize(1);
      Browser.Instance i = b.instances().get(0);
      assertThat(i.name).isEqualTo("rpcx-go-host._rpcxservices.local.");
      String meta = v.equals("mdns_server_announce_1") ? META : META_REFRESHED;
      assertThat(i.entries).as(v).containsExactly(new RpcxTxt.Entry("Arith", meta, ADDRESS));
      if (!v.equals("mdns_server_txt_refresh")) {
        assertThat(i.target).isEqualTo("rpcx-go-host.local.");
        assertThat(i.port).isEqualTo(8972);
        assertThat(b.addresses("rpcx-go-host.local.")).containsExactly(GoPackets.address());
      }
    }
  }

  @Test
  void discoveryDropsTheServerOnGosUnregisterAndGoodbye() throws IOException {
    Browser b = new Browser("_rpcxservices.local.", System::nanoTime);
    b.received(GoPackets.decode("mdns_server_announce_1"));
    b.received(GoPackets.decode("mdns_server_unregister_txt"));
    assertThat(b.instances()).singleElement().satisfies(i -> assertThat(i.entries).isEmpty());
    b.received(GoPackets.decode("mdns_server_goodbye"));
    assertThat(b.instances()).isEmpty();
    assertThat(b.addresses("rpcx-go-host.local.")).isEmpty();
  }

  @Test
  void discoveryTakesNoFactsFromQueriesOrProbes() throws IOException {
    Browser b = new Browser("_rpcxservices.local.", System::nanoTime);
    b.received(GoPackets.decode("mdns_server_probe"));
    b.received(GoPackets.decode("mdns_client_browse_query"));
    assertThat(b.instances()).isEmpty();
    // The probe's authority TXT is still Go's text, as decoded.
    Record txt = GoPackets.decode("mdns_server_probe").authority().get(1);
    assertThat(RpcxTxt.parse(txt.strings()))
        .containsExactly(new RpcxTxt.Entry("Arith", META, ADDRESS));
  }

  @Test
  void recordsExpireWithTheirTtlAndAreAskedForAgainFromEightyPercentOn() throws IOException {
    AtomicLong now = new AtomicLong(1);
    Browser b = new Browser("_rpcxservices.local.", now::get);
    b.received(GoPackets.decode("mdns_server_announce_1"));
    now.addAndGet(2559L * 1_000_000_000L);
    assertThat(b.expire()).as("nothing due before 80% of 3200 s").isFalse();
    now.addAndGet(2L * 1_000_000_000L);
    assertThat(b.expire()).as("a query is due at 80% of the TTL").isTrue();
    assertThat(b.expire()).as("once").isFalse();
    now.addAndGet(160L * 1_000_000_000L);
    assertThat(b.expire()).as("and again at 85%, the answer having been lost").isTrue();
    assertThat(b.instances()).hasSize(1);
    now.addAndGet(-160L * 1_000_000_000L);
    now.addAndGet(640L * 1_000_000_000L);
    b.expire();
    assertThat(b.instances()).isEmpty();
  }
}
