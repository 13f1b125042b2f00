package io.jrpcx.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.discovery.dns.DnsTestServer.Srv;
import io.jrpcx.registry.Registries;
import io.jrpcx.testing.LogCapture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DnsDiscovery} against a real DNS server on loopback whose records the tests change. */
@Timeout(30)
class DnsDiscoveryTest {
  private static final String NAME = "arith.rpcx.test";
  private final DnsTestServer dns = new DnsTestServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    dns.close();
  }

  private DnsDiscovery.Builder builder() {
    return DnsDiscovery.builder()
        .domain(NAME)
        .port(8972)
        .nameServers(dns.address())
        .refreshInterval(Duration.ofMillis(100))
        .queryTimeout(Duration.ofMillis(300));
  }

  private DnsDiscovery open(DnsDiscovery.Builder b) {
    DnsDiscovery d = b.build();
    closeables.add(0, d);
    return d;
  }

  private static List<String> keys(List<KVPair> nodes) {
    return nodes.stream().map(KVPair::key).toList();
  }

  @Test
  void findsTheAAndAaaaRecordsBeforeReturningSortedWithIpv6Bracketed() {
    dns.addresses(NAME, "10.0.0.2", "2001:db8::1", "10.0.0.1", "::1");
    DnsDiscovery d = open(builder());
    assertThat(keys(d.services()))
        .containsExactly(
            "tcp@10.0.0.1:8972", "tcp@10.0.0.2:8972", "tcp@[2001:db8::1]:8972", "tcp@[::1]:8972");
    assertThat(d.services()).allSatisfy(n -> assertThat(n.value()).isEmpty());
    assertThat(d.lastError()).isNull();
    assertThat(d.domain()).isEqualTo(NAME);
  }

  @Test
  void aNameWithOnlyIpv4AddressesIsNoFailure() {
    dns.addresses(NAME, "10.0.0.1");
    DnsDiscovery d = open(builder().network("quic"));
    assertThat(keys(d.services())).containsExactly("quic@10.0.0.1:8972");
    assertThat(d.lastError()).isNull();
  }

  @Test
  void watchersGetEveryChangeOnlyWhenTheListChanged() {
    dns.addresses(NAME, "10.0.0.1");
    DnsDiscovery d = open(builder());
    List<List<String>> updates = new CopyOnWriteArrayList<>();
    d.watch(nodes -> updates.add(keys(nodes)));

    dns.addresses(NAME, "10.0.0.1", "10.0.0.2");
    await().until(() -> updates.size() == 1);
    assertThat(updates.get(0)).containsExactly("tcp@10.0.0.1:8972", "tcp@10.0.0.2:8972");

    // Many refreshes of the same records: nothing to tell.
    int asked = dns.queries();
    await().until(() -> dns.queries() >= asked + 10);
    assertThat(updates).hasSize(1);

    dns.addresses(NAME, "10.0.0.2");
    await().until(() -> updates.size() == 2);
    assertThat(updates.get(1)).containsExactly("tcp@10.0.0.2:8972");
  }

  @Test
  void aServerThatStopsAnsweringKeepsTheLastListLoggedOnceAndReportedByLastError()
      throws Exception {
    dns.addresses(NAME, "10.0.0.1", "10.0.0.2");
    DnsDiscovery d = open(builder());
    List<String> logged =
        LogCapture.during(
            () -> {
              dns.silent(true);
              await().until(() -> d.lastError() != null);
              assertThat(d.lastError())
                  .isInstanceOf(IOException.class)
                  .isNotInstanceOf(UnknownHostException.class)
                  .hasMessageContaining(NAME);
              // Several more failed refreshes, each of which would log if logging were per refresh.
              int asked = dns.queries();
              await().until(() -> dns.queries() >= asked + 8);
              assertThat(keys(d.services()))
                  .containsExactly("tcp@10.0.0.1:8972", "tcp@10.0.0.2:8972");
              dns.addresses(NAME, "10.0.0.3").silent(false);
              await().until(() -> keys(d.services()).equals(List.of("tcp@10.0.0.3:8972")));
            });
    assertThat(d.lastError()).isNull();
    assertThat(logged.stream().filter(l -> l.contains("WARN") && l.contains(NAME)))
        .hasSize(1)
        .allSatisfy(l -> assertThat(l).contains("keeping the 2 nodes"));
    assertThat(logged.stream().filter(l -> l.contains("works again"))).hasSize(1);
  }

  @Test
  void serverFailureAndRemovedRecordsKeepTheLastList() {
    dns.addresses(NAME, "10.0.0.1");
    DnsDiscovery d = open(builder());
    dns.serverFailure(true);
    await().until(() -> d.lastError() != null);
    assertThat(d.lastError()).isNotInstanceOf(UnknownHostException.class);
    assertThat(keys(d.services())).containsExactly("tcp@10.0.0.1:8972");

    dns.serverFailure(false);
    await().until(() -> d.lastError() == null);
    // No address at all, as Go treats it: a failed lookup, not an empty list.
    dns.addresses(NAME);
    await().until(() -> d.lastError() != null);
    assertThat(d.lastError()).isInstanceOf(UnknownHostException.class).hasMessageContaining(NAME);
    assertThat(keys(d.services())).containsExactly("tcp@10.0.0.1:8972");
  }

  @Test
  void aNameThatDoesNotExistAtStartGivesAnEmptyListAndTheError() {
    DnsDiscovery d = open(builder().domain("nobody.rpcx.test"));
    assertThat(d.services()).isEmpty();
    assertThat(d.lastError())
        .isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("nobody.rpcx.test");
    dns.addresses("nobody.rpcx.test", "10.0.0.9");
    await().until(() -> keys(d.services()).equals(List.of("tcp@10.0.0.9:8972")));
  }

  @Test
  void srvRecordsGivePortAndWeightAndFollowWeightChanges() {
    String srvName = "_rpcx._tcp." + NAME;
    dns.addresses("a.rpcx.test", "10.0.0.1")
        .addresses("b.rpcx.test", "10.0.0.2", "2001:db8::2")
        .srv(srvName, new Srv(0, 10, 9001, "a.rpcx.test."), new Srv(0, 5, 9002, "b.rpcx.test."));
    DnsDiscovery d = open(builder().domain(srvName).srv(true));
    assertThat(d.services())
        .extracting(KVPair::toString)
        .containsExactly(
            "tcp@10.0.0.1:9001?weight=10",
            "tcp@10.0.0.2:9002?weight=5",
            "tcp@[2001:db8::2]:9002?weight=5");
    assertThat(d.services().get(0).metadata("weight")).isEqualTo("10");

    dns.srv(srvName, new Srv(0, 50, 9001, "a.rpcx.test."));
    await()
        .until(
            () ->
                d.services().stream()
                    .map(KVPair::toString)
                    .toList()
                    .equals(List.of("tcp@10.0.0.1:9001?weight=50")));
  }

  @Test
  void aMissingSrvNameIsReportedAsNoRecords() {
    DnsDiscovery d = open(builder().domain("_rpcx._tcp.none.rpcx.test").srv(true));
    assertThat(d.services()).isEmpty();
    assertThat(d.lastError())
        .isInstanceOf(UnknownHostException.class)
        .hasMessage("no SRV records for _rpcx._tcp.none.rpcx.test");
  }

  @Test
  void theRecordTtlShortensTheRefreshInterval() {
    dns.ttl(1).addresses(NAME, "10.0.0.1");
    DnsDiscovery d = open(builder().refreshInterval(Duration.ofHours(1)));
    int asked = dns.queries();
    dns.addresses(NAME, "10.0.0.2");
    // Refreshed after about the TTL (1 s), not the hour.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> keys(d.services()).equals(List.of("tcp@10.0.0.2:8972")));
    assertThat(dns.queries()).isGreaterThan(asked);
  }

  @Test
  void aLongTtlDoesNotLengthenTheInterval() {
    dns.ttl(3600).addresses(NAME, "10.0.0.1");
    DnsDiscovery d = open(builder());
    dns.addresses(NAME, "10.0.0.2");
    await().until(() -> keys(d.services()).equals(List.of("tcp@10.0.0.2:8972")));
  }

  @Test
  void truncatedAnswersAreAskedAgainOverTcp() {
    dns.udpLimit(2).addresses(NAME, "10.0.0.1", "10.0.0.2", "10.0.0.3");
    DnsDiscovery d = open(builder());
    assertThat(keys(d.services())).hasSize(3);
    assertThat(dns.tcpQueries()).isPositive();
  }

  @Test
  void theFirstNameServerThatAnswersIsUsed() {
    dns.addresses(NAME, "10.0.0.1");
    try (DnsTestServer down = new DnsTestServer().silent(true)) {
      DnsDiscovery d =
          open(
              builder()
                  .nameServers(down.address(), dns.address())
                  .refreshInterval(Duration.ofHours(1)));
      assertThat(keys(d.services())).containsExactly("tcp@10.0.0.1:8972");
      assertThat(down.queries()).isPositive();
    }
  }

  @Test
  void cloneFollowsTheSameNameForAnyServiceWithoutTheFilter() {
    dns.addresses(NAME, "10.0.0.1", "10.0.0.2");
    DnsDiscovery d = open(builder());
    d.setFilter(n -> n.key().endsWith("1:8972"));
    assertThat(d.services()).hasSize(1);
    DnsDiscovery clone = d.clone("Echo");
    closeables.add(0, clone);
    assertThat(clone).isNotSameAs(d);
    assertThat(clone.domain()).isEqualTo(NAME);
    assertThat(keys(clone.services())).containsExactly("tcp@10.0.0.1:8972", "tcp@10.0.0.2:8972");
    d.close();
    assertThatThrownBy(() -> d.clone("Echo")).isInstanceOf(IllegalStateException.class);
    // The clone lives on after the original closed.
    dns.addresses(NAME, "10.0.0.3");
    await().until(() -> keys(clone.services()).equals(List.of("tcp@10.0.0.3:8972")));
  }

  @Test
  void closeStopsTheLookups() {
    dns.addresses(NAME, "10.0.0.1");
    DnsDiscovery d = open(builder());
    int before = dns.queries(NAME);
    await().until(() -> dns.queries(NAME) >= before + 4);
    d.close();
    int atClose = dns.queries(NAME);
    // Another discovery refreshing at the same pace is the clock: ten of its lookups, none of
    // the closed one (at most one already under way when it closed).
    DnsDiscovery other = open(builder().domain("other.rpcx.test"));
    int otherBefore = dns.queries("other.rpcx.test");
    await().until(() -> dns.queries("other.rpcx.test") >= otherBefore + 20);
    assertThat(other.services()).isEmpty();
    assertThat(dns.queries(NAME)).isLessThanOrEqualTo(atClose + 2);
  }

  @Test
  void registriesMakeADiscoveryOfTheNameFromItsAddressButNoPlugin() {
    dns.addresses(NAME, "10.0.0.1");
    String url = "dns://" + NAME + ":8972?server=127.0.0.1:" + dns.address().getPort();
    try (ServiceDiscovery d = Registries.discovery(url, "/rpcx_test", "Arith");
        ServiceDiscovery template = Registries.template(url, "/rpcx_test")) {
      assertThat(d).isInstanceOf(DnsDiscovery.class);
      assertThat(keys(d.services())).containsExactly("tcp@10.0.0.1:8972");
      assertThat(keys(template.services())).containsExactly("tcp@10.0.0.1:8972");
    }
    assertThatThrownBy(() -> Registries.registerPlugin(url, "/rpcx_test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("discovery only");
  }

  @Test
  void anAddressWithoutAPortMeansSrvRecords() {
    String srvName = "_rpcx._tcp." + NAME;
    dns.addresses("a.rpcx.test", "10.0.0.1").srv(srvName, new Srv(0, 3, 9001, "a.rpcx.test."));
    DnsDiscovery d =
        open(
            DnsDiscovery.builder()
                .address("dns://" + srvName + "?server=127.0.0.1:" + dns.address().getPort()));
    assertThat(d.services())
        .extracting(KVPair::toString)
        .containsExactly("tcp@10.0.0.1:9001?weight=3");
  }

  @Test
  void badAddressesAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> DnsDiscovery.builder().address("etcd://127.0.0.1:2379"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DnsDiscovery.builder().address("dns://a.test:99999"))
        .hasMessageContaining("no valid port");
    assertThatThrownBy(() -> DnsDiscovery.builder().address("dns://a.test:1?server=ns.test"))
        .hasMessageContaining("is not an IP address");
    assertThatThrownBy(() -> DnsDiscovery.builder().address("dns://a.test:1?ttl=5"))
        .hasMessageContaining("unknown option 'ttl=5'");
    assertThatThrownBy(() -> DnsDiscovery.builder().address("dns://a.test,b.test:1"))
        .hasMessageContaining("expected dns://name:port");
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> DnsDiscovery.builder().port(1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("domain");
    assertThatThrownBy(() -> DnsDiscovery.builder().domain("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> DnsDiscovery.builder().port(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DnsDiscovery.builder().network("tcp@x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DnsDiscovery.builder().refreshInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> DnsDiscovery.builder().nameServers(InetSocketAddress.createUnresolved("ns", 53)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
