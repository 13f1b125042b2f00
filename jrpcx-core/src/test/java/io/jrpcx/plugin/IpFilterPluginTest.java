package io.jrpcx.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.server.Server;
import io.jrpcx.server.ServerPlugin;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.FakeClock;
import io.jrpcx.testing.Reply;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * rpcx's Whitelist/BlacklistPlugin as one filter: address and CIDR parsing, and real servers on
 * 127.0.0.1 and ::1 with clients from 127.0.0.1, 127.0.0.2 and ::1.
 */
class IpFilterPluginTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  // ---- rules, on addresses ----------------------------------------------------------------------

  @Test
  void allowListAcceptsOnlyItsAddressesAndBlocks() {
    IpFilterPlugin f = IpFilterPlugin.allow("10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1");
    assertThat(f.permits(ip("10.255.1.2"))).isTrue();
    assertThat(f.permits(ip("192.0.2.7"))).isTrue();
    assertThat(f.permits(ip("192.0.2.8"))).isFalse();
    assertThat(f.permits(ip("11.0.0.1"))).isFalse();
    assertThat(f.permits(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(f.permits(ip("2001:db9::1"))).isFalse();
    assertThat(f.permits(ip("::1"))).isTrue();
    assertThat(f.permits(ip("::2"))).isFalse();
    assertThat(f.permits(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void denyListRefusesOnlyItsAddressesAndBlocks() {
    IpFilterPlugin f = IpFilterPlugin.deny("203.0.113.0/24", "fd00::/8");
    assertThat(f.permits(ip("203.0.113.200"))).isFalse();
    assertThat(f.permits(ip("203.0.114.1"))).isTrue();
    assertThat(f.permits(ip("fdab::1"))).isFalse();
    assertThat(f.permits(ip("fe80::1"))).isTrue();
  }

  @Test
  void denyWinsOverAllow() {
    IpFilterPlugin f = IpFilterPlugin.allow("10.0.0.0/8").withDenied("10.6.6.0/24");
    assertThat(f.permits(ip("10.6.5.1"))).isTrue();
    assertThat(f.permits(ip("10.6.6.1"))).isFalse();
    IpFilterPlugin g = IpFilterPlugin.deny("10.6.6.6").withAllowed("10.6.6.6", "10.0.0.0/8");
    assertThat(g.permits(ip("10.6.6.6"))).as("allowed and denied").isFalse();
    assertThat(g.permits(ip("10.1.1.1"))).isTrue();
    assertThat(g.permits(ip("172.16.0.1")))
        .as("an allow entry turns it into an allow list")
        .isFalse();
  }

  @Test
  void prefixBoundariesAreExact() {
    assertThat(IpFilterPlugin.allow("0.0.0.0/0").permits(ip("255.255.255.255"))).isTrue();
    assertThat(IpFilterPlugin.allow("0.0.0.0/0").permits(ip("::1")))
        .as("v4 block, v6 peer")
        .isFalse();
    assertThat(IpFilterPlugin.allow("::/0").permits(ip("2001:db8::1"))).isTrue();
    assertThat(IpFilterPlugin.allow("::/0").permits(ip("127.0.0.1")))
        .as("v6 block, v4 peer")
        .isFalse();
    IpFilterPlugin v4 = IpFilterPlugin.allow("192.168.4.0/23");
    assertThat(v4.permits(ip("192.168.4.0"))).isTrue();
    assertThat(v4.permits(ip("192.168.5.255"))).isTrue();
    assertThat(v4.permits(ip("192.168.6.0"))).isFalse();
    assertThat(v4.permits(ip("192.168.3.255"))).isFalse();
    IpFilterPlugin v6 = IpFilterPlugin.allow("2001:db8:0:0:8000::/65", "2001:db8::1:0:0:0/97");
    assertThat(v6.permits(ip("2001:db8::8000:0:0:1"))).isTrue();
    assertThat(v6.permits(ip("2001:db8::7fff:0:0:1"))).isFalse();
    assertThat(v6.permits(ip("2001:db8::1:0:7fff:ffff"))).isTrue();
    assertThat(v6.permits(ip("2001:db8::1:0:8000:0"))).isFalse();
    assertThat(IpFilterPlugin.allow("2001:db8::1/128").permits(ip("2001:db8::1"))).isTrue();
    assertThat(IpFilterPlugin.allow("2001:db8::1/128").permits(ip("2001:db8::2"))).isFalse();
  }

  @Test
  void hostBitsUnderThePrefixAreIgnoredAsInGosParseCidr() {
    IpFilterPlugin f = IpFilterPlugin.allow("10.1.2.3/8", "2001:db8::dead:beef/32");
    assertThat(f.permits(ip("10.200.0.1"))).isTrue();
    assertThat(f.permits(ip("2001:db8:1::1"))).isTrue();
  }

  @Test
  void ipv4MappedIpv6IsTheIpv4AddressItMaps() throws UnknownHostException {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    mapped[12] = 10;
    mapped[15] = 9;
    // Inet6Address.getByAddress keeps the 16 bytes, as a dual-stack socket may report a peer.
    InetAddress peer = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertThat(peer.getAddress()).hasSize(16);
    assertThat(IpFilterPlugin.allow("10.0.0.0/8").permits(peer)).isTrue();
    assertThat(IpFilterPlugin.deny("10.0.0.9").permits(peer)).isFalse();
    assertThat(IpFilterPlugin.allow("::ffff:10.0.0.0/104").permits(ip("10.1.2.3"))).isTrue();
    assertThat(IpFilterPlugin.allow("::ffff:10.0.0.0/104").permits(ip("11.1.2.3"))).isFalse();
    assertThat(IpFilterPlugin.allow("::ffff:192.0.2.1").permits(ip("192.0.2.1"))).isTrue();
  }

  @Test
  void acceptsTheUsualSpellings() {
    IpFilterPlugin f =
        IpFilterPlugin.allow(
            "::",
            "::ffff:1.2.3.4",
            "1::",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8",
            "FE80::ABCD",
            "64:ff9b::192.0.2.33",
            " 10.0.0.1 ");
    assertThat(f.permits(ip("fe80::abcd"))).isTrue();
    assertThat(f.permits(ip("64:ff9b::c000:221"))).isTrue();
    assertThat(f.permits(ip("10.0.0.1"))).isTrue();
    assertThat(f.permits(ip("1.2.3.4"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "example.com",
        "ip6-localhost",
        "",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.4",
        "1.2.3.04",
        "256.0.0.1",
        "1.2.3.-4",
        "1.2.3.4/33",
        "1.2.3.4/",
        "1.2.3.4/-1",
        "1.2.3.4/08",
        "1.2.3.4/a",
        "::1/129",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "1::2::3",
        ":1::",
        "1:::2",
        "1:2:3:4:5:6:7:8::",
        "12345::",
        "g::1",
        "fe80::1%eth0",
        "[::1]",
        "::1.2.3.4.5",
        "1.2.3.4::",
        "::ffff:10.0.0.0/95",
        "\u0661.\u0662.\u0663.\u0664",
        "\uff11::1",
        "0x7f.0.0.1",
        "2130706433"
      })
  void refusesAnythingThatIsNotAnAddressLiteralWithoutLookingItUp(String entry) {
    assertThatThrownBy(() -> IpFilterPlugin.allow(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(entry.trim().isEmpty() ? "" : entry.trim().split("/")[0]);
    assertThatThrownBy(() -> IpFilterPlugin.deny(entry))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNameIsNeverResolvedAndTheErrorSaysSo() {
    assertThatThrownBy(() -> IpFilterPlugin.allow("localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an IP address or CIDR block: 'localhost' (host names are not resolved)");
  }

  @Test
  void factoriesNeedAtLeastOneEntry() {
    assertThatThrownBy(() -> IpFilterPlugin.allow())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no address");
    assertThatThrownBy(() -> IpFilterPlugin.deny(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no address");
    assertThatThrownBy(() -> IpFilterPlugin.deny((String) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void isImmutable() {
    IpFilterPlugin allow = IpFilterPlugin.allow("10.0.0.0/8");
    IpFilterPlugin narrower = allow.withDenied("10.0.0.1");
    assertThat(allow.permits(ip("10.0.0.1"))).isTrue();
    assertThat(narrower.permits(ip("10.0.0.1"))).isFalse();
    assertThat(narrower).hasToString("IpFilterPlugin[allowed=[10.0.0.0/8], denied=[10.0.0.1]]");
  }

  // ---- real servers and clients on loopback -----------------------------------------------------

  @Test
  void allowedLoopbackClientIsServed() {
    String address = start("tcp", "127.0.0.1:0", IpFilterPlugin.allow("127.0.0.0/8"));
    assertThat(mul(connect("tcp", address))).isEqualTo(42);
  }

  @Test
  void deniedClientIsClosedAndOthersAreStillServed() {
    IpFilterPlugin filter = IpFilterPlugin.deny("127.0.0.2");
    String address = start("tcp", "127.0.0.1:0", filter);
    Client bystander = connect("tcp", address);
    assertThat(mul(bystander)).isEqualTo(42);
    try (LoopbackSocket denied = LoopbackSocket.connect(address, "127.0.0.2")) {
      assertThat(denied.awaitClosedByServer()).as("bytes sent before closing").isZero();
    }
    assertThat(filter.rejected()).isEqualTo(1);
    assertThat(mul(bystander)).as("the connection from 127.0.0.1").isEqualTo(42);
    assertThat(mul(connect("tcp", address))).as("a new one from 127.0.0.1").isEqualTo(42);
  }

  @Test
  void clientOutsideTheAllowListIsClosed() {
    IpFilterPlugin filter = IpFilterPlugin.allow("127.0.0.1/32");
    String address = start("tcp", "127.0.0.1:0", filter);
    try (LoopbackSocket other = LoopbackSocket.connect(address, "127.0.0.2")) {
      assertThat(other.awaitClosedByServer()).isZero();
    }
    assertThat(mul(connect("tcp", address))).isEqualTo(42);
    assertThat(filter.rejected()).isEqualTo(1);
  }

  @Test
  void denyWinsForARealConnection() {
    IpFilterPlugin filter = IpFilterPlugin.allow("127.0.0.0/8").withDenied("127.0.0.1/32");
    String address = start("tcp", "127.0.0.1:0", filter);
    Client client = connect("tcp", address);
    await().atMost(Duration.ofSeconds(5)).until(client::isShutdown);
    assertThat(filter.rejected()).isEqualTo(1);
    try (LoopbackSocket allowed = LoopbackSocket.connect(address, "127.0.0.2")) {
      allowed.send(new io.jrpcx.protocol.Message().setSeq(1).setHeartbeat(true));
      assertThat(allowed.readMessage().isHeartbeat()).as("127.0.0.2 is allowed").isTrue();
    }
  }

  @Test
  void ipv6LoopbackIsAllowedAndDeniedByItsOwnEntries() {
    String allowing = start("tcp", "[::1]:0", IpFilterPlugin.allow("::1/128"));
    assertThat(mul(connect("tcp", allowing))).isEqualTo(42);

    IpFilterPlugin deny = IpFilterPlugin.deny("::1");
    String denying = start("tcp", "[::1]:0", deny);
    Client refused = connect("tcp", denying);
    await().atMost(Duration.ofSeconds(5)).until(refused::isShutdown);
    assertThat(deny.rejected()).isEqualTo(1);

    IpFilterPlugin v4Only = IpFilterPlugin.allow("127.0.0.0/8");
    String v4OnlyAddress = start("tcp", "[::1]:0", v4Only);
    Client v6Client = connect("tcp", v4OnlyAddress);
    await().atMost(Duration.ofSeconds(5)).until(v6Client::isShutdown);
    assertThat(v4Only.rejected()).as("an IPv4 allow list refuses ::1").isEqualTo(1);
  }

  @Test
  void peersWithoutAnIpAddressAreRefusedByAnAllowListUnlessSaidOtherwise() {
    String allowOnly = start("inprocess", name(), IpFilterPlugin.allow("127.0.0.1"));
    Client refused = connect("inprocess", allowOnly);
    await().atMost(Duration.ofSeconds(5)).until(refused::isShutdown);

    String allowWithLocal =
        start("inprocess", name(), IpFilterPlugin.allow("127.0.0.1").withNonIpPeers(true));
    assertThat(mul(connect("inprocess", allowWithLocal))).isEqualTo(42);

    String denyOnly = start("inprocess", name(), IpFilterPlugin.deny("127.0.0.1"));
    assertThat(mul(connect("inprocess", denyOnly))).isEqualTo(42);

    String denyLocal =
        start("inprocess", name(), IpFilterPlugin.deny("127.0.0.1").withNonIpPeers(false));
    Client refusedToo = connect("inprocess", denyLocal);
    await().atMost(Duration.ofSeconds(5)).until(refusedToo::isShutdown);
  }

  @Test
  void refusedPeersSpendNoConnectionTokensWhenTheFilterComesFirst() {
    FakeClock clock = new FakeClock();
    IpFilterPlugin filter = IpFilterPlugin.deny("127.0.0.2");
    ConnectionRateLimitPlugin limiter =
        new ConnectionRateLimitPlugin(new TokenBucket(Duration.ofMinutes(1), 1, clock));
    String address = start("tcp", "127.0.0.1:0", filter, limiter);
    for (int i = 0; i < 3; i++) {
      try (LoopbackSocket denied = LoopbackSocket.connect(address, "127.0.0.2")) {
        assertThat(denied.awaitClosedByServer()).isZero();
      }
    }
    assertThat(mul(connect("tcp", address))).as("the one token is still there").isEqualTo(42);
    assertThat(filter.rejected()).isEqualTo(3);
    assertThat(limiter.rejected()).isZero();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private String start(String network, String address, ServerPlugin... plugins) {
    Server.Builder b = Server.builder();
    for (ServerPlugin p : plugins) {
      b.plugin(p);
    }
    Server server = b.build();
    toClose.add(server);
    server.register("Arith", new ArithService(), "");
    server.start(network, address);
    return server.address();
  }

  private Client connect(String network, String address) {
    Client client = new Client();
    toClose.add(0, client);
    client.connect(network, address);
    return client;
  }

  private static int mul(Client client) {
    return client.call(
            Context.background().withTimeout(Duration.ofSeconds(5)),
            "Arith",
            "Mul",
            new Args(6, 7),
            Reply.class)
        .C;
  }

  private static String name() {
    return "ip-filter-" + UUID.randomUUID();
  }

  /** An address literal as an InetAddress; literals are never looked up. */
  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
