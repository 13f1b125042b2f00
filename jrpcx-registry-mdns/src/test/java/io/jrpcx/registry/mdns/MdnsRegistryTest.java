package io.jrpcx.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.EchoService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin's announcement and the discovery's reading, with real JmDNS instances multicasting
 * on 127.0.0.1: the spec's layout, Go-written instances, metadata changes, per-service filtering.
 */
class MdnsRegistryTest {
  static final String TYPE = "_rpcxservices._tcp.local.";
  /** JmDNS usually needs 3 to 4 s to see a new instance on loopback. */
  static final Duration SEEN = Duration.ofSeconds(15);

  @RegisterExtension final Closer closer = new Closer();

  static InetAddress loopback() throws Exception {
    return InetAddress.getByName("127.0.0.1");
  }

  MdnsDiscovery discovery(String service) throws Exception {
    return closer.laterSlow(MdnsDiscovery.builder().bindAddress(loopback())
        .timeout(Duration.ofMillis(300)).watchInterval(Duration.ofSeconds(1))
        .servicePath(service).build());
  }

  /** A JmDNS instance playing another host: a Go server, or a raw observer. */
  JmDNS otherHost(String name) throws Exception {
    return closer.laterSlow(JmDNS.create(loopback(), name));
  }

  static byte[] oneTxtString(String text) {
    byte[] b = new byte[text.length() + 1];
    b[0] = (byte) text.length();
    System.arraycopy(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 1,
        text.length());
    return b;
  }

  @Test
  @Timeout(40)
  void announcesTheSpecLayoutAndReportsOnlyTheAskedService() throws Exception {
    MdnsRegisterPlugin plugin = closer.laterSlow(MdnsRegisterPlugin.builder()
        .serviceAddress("tcp@10.0.0.5:8972").instanceName("rpcx-layout")
        .bindAddress(loopback()).updateInterval(Duration.ZERO).build());
    Server server = closer.later(Server.builder().plugin(plugin).build());
    server.register("Arith", new ArithService(), "weight=10&group=g1");
    server.start("tcp", "127.0.0.1:0");
    assertThat(plugin.type()).isEqualTo(TYPE);

    // What any mDNS host sees: instance, port, and the one TXT string Go would send.
    JmDNS observer = otherHost("observer");
    ServiceInfo seen = await().atMost(SEEN).until(
        () -> observer.getServiceInfo(TYPE, "rpcx-layout", 500), i -> i != null
            && i.getTextBytes() != null && i.getTextBytes().length > 1);
    assertThat(seen.getPort()).isEqualTo(8972);
    assertThat(seen.getQualifiedName()).isEqualTo("rpcx-layout." + TYPE);
    assertThat(seen.getTextBytes()).isEqualTo(oneTxtString("%5B%7B%22service%22%3A%22Arith%22"
        + "%2C%22meta%22%3A%22weight%3D10%5Cu0026group%3Dg1%22%2C%22service_address%22%3A%22"
        + "tcp%4010.0.0.5%3A8972%22%7D%5D"));

    MdnsDiscovery arith = discovery("Arith");
    await().atMost(SEEN).until(() -> arith.services().equals(
        List.of(new KVPair("tcp@10.0.0.5:8972", "weight=10&group=g1"))));

    // A second service goes into the same TXT; the Arith discovery still lists one node.
    server.register("Echo", new EchoService(), "weight=5");
    MdnsDiscovery echo = discovery("Echo");
    await().atMost(SEEN).until(() -> echo.services().equals(
        List.of(new KVPair("tcp@10.0.0.5:8972", "weight=5"))));
    assertThat(arith.services()).hasSize(1);

    // Unregistering announces the rest of the list.
    server.unregister("Arith");
    await().atMost(SEEN).until(() -> arith.services().isEmpty());
    assertThat(echo.services()).hasSize(1);
  }

  @Test
  @Timeout(40)
  void readsInstancesAnnouncedAsGoRpcxServersDoAndSeesMetadataChanges() throws Exception {
    JmDNS go = otherHost("go-server");
    // Exactly what Go's MDNSRegisterPlugin announces for Arith (text printed by Go).
    ServiceInfo info = ServiceInfo.create(TYPE, "go-host", 8972, 0, 0, oneTxtString(
        "%5B%7B%22service%22%3A%22Arith%22%2C%22meta%22%3A%22weight%3D10%5Cu0026group%3Dg1%22"
            + "%2C%22service_address%22%3A%22tcp%4010.0.0.5%3A8972%22%7D%5D"));
    go.registerService(info);
    // Another Go server with another service: Go's discovery would list it as an Arith node.
    go.registerService(ServiceInfo.create(TYPE, "go-host-2", 8973, 0, 0, RpcxTxt.rdata(List.of(
        new RpcxTxt.Entry("Echo", "", "tcp@10.0.0.6:8973")))));

    MdnsDiscovery template = closer.laterSlow(MdnsDiscovery.builder().bindAddress(loopback())
        .timeout(Duration.ofMillis(300)).watchInterval(Duration.ofSeconds(1)).build());
    MdnsDiscovery d = closer.laterSlow(template.clone("Arith"));
    await().atMost(SEEN).until(() -> d.services().equals(
        List.of(new KVPair("tcp@10.0.0.5:8972", "weight=10&group=g1"))));

    info.setText(RpcxTxt.rdata(List.of(new RpcxTxt.Entry("Arith",
        "weight=10&group=g1&state=inactive", "tcp@10.0.0.5:8972"))));
    await().atMost(SEEN).until(() -> "inactive".equals(d.services().get(0).metadata("state")));

    info.setText(RpcxTxt.rdata(List.of(new RpcxTxt.Entry("Arith", "weight=3",
        "tcp@10.0.0.5:8972"))));
    await().atMost(SEEN).until(() -> d.services().equals(
        List.of(new KVPair("tcp@10.0.0.5:8972", "weight=3"))));
  }
}
