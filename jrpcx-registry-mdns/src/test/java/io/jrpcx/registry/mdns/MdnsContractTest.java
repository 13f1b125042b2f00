package io.jrpcx.registry.mdns;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.AbstractRegistryContractTest;
import io.jrpcx.registry.GoQuery;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry contract over real multicast on 127.0.0.1. mDNS has no registry server and no base
 * path: the "registry" is what the plugins' responders announce and answer, each under an
 * instance name of its own.
 *
 * <ul>
 *   <li>{@link #entries} are the records each plugin of the case announces (its SRV and its TXT
 *       string, query-escaped JSON as Go writes it), so node addresses appear escaped there
 *       ({@link #spelledInRegistry}).
 *   <li>{@link #restartRegistry}: there is no server to restart. The equivalent is the responders
 *       restarting: every plugin of the case drops its socket without a goodbye (as a crashed
 *       process would) and a new plugin with the same instance name and address starts on a new
 *       socket and announces the same services again.
 * </ul>
 */
class MdnsContractTest extends AbstractRegistryContractTest {
  private record Made(
      MdnsRegisterPlugin plugin, String instance, String serviceAddress, Duration updateInterval) {}

  private final List<Made> made = new CopyOnWriteArrayList<>();

  private static InetAddress loopback() throws Exception {
    return InetAddress.getByName("127.0.0.1");
  }

  private MdnsRegisterPlugin plugin(String instance, String serviceAddress, Duration updateInterval)
      throws Exception {
    MdnsRegisterPlugin p =
        withAddress(MdnsRegisterPlugin.builder(), serviceAddress)
            .instanceName(instance)
            .hostName(instance)
            .bindAddress(loopback())
            .updateInterval(updateInterval)
            .build();
    made.add(new Made(p, instance, serviceAddress, updateInterval));
    return p;
  }

  /** {@inheritDoc} The base path is not used: rpcx's mDNS layout has none. */
  @Override
  protected AbstractRegisterPlugin newPlugin(
      String serviceAddress, String basePath, Duration updateInterval) throws Exception {
    return plugin(
        "contract-" + UUID.randomUUID().toString().substring(0, 8), serviceAddress, updateInterval);
  }

  /** {@inheritDoc} The base path is not used: rpcx's mDNS layout has none. */
  @Override
  protected String registryUrl() {
    return "mdns://127.0.0.1";
  }

  @Override
  protected ServiceDiscovery newDiscovery(String basePath, String servicePath) throws Exception {
    return MdnsDiscovery.builder()
        .bindAddress(loopback())
        .timeout(Duration.ofMillis(300))
        .watchInterval(Duration.ofSeconds(1))
        .servicePath(servicePath)
        .build();
  }

  /** The SRV and TXT records each live plugin of this case announces now. */
  @Override
  protected Map<String, String> entries(String basePath) {
    Map<String, String> out = new TreeMap<>();
    for (Made m : made) {
      Zone z = m.plugin.zone();
      if (z != null) {
        out.put(z.instance() + " SRV", z.host() + " " + z.port());
        out.put(z.instance() + " TXT", new String(z.txt(), StandardCharsets.US_ASCII));
      }
    }
    return out;
  }

  @Override
  protected String spelledInRegistry(String text) {
    return GoQuery.escape(text);
  }

  /**
   * Spec §3.11, mDNS: instance {@code <hostname>} of {@code _rpcxservices.local.} on the service
   * address's port, and one TXT string: Go's {@code json.Marshal} of the entries (which writes
   * {@code &} as {@code \u0026}), query-escaped.
   */
  @Override
  protected Map<String, String> goLayout() {
    String instance = made.get(made.size() - 1).instance;
    return Map.of(
        instance + "._rpcxservices.local. SRV", instance + ".local. 8972",
        instance + "._rpcxservices.local. TXT",
            "%5B%7B%22service%22%3A%22Arith%22%2C%22meta"
                + "%22%3A%22weight%3D10%5Cu0026group%3Dg1%22%2C%22service_address%22%3A%22tcp%40"
                + "10.0.0.5%3A8972%22%7D%5D");
  }

  @Override
  protected void restartRegistry() throws Exception {
    for (Made m : List.copyOf(made)) {
      Map<String, String> services = m.plugin.services();
      m.plugin.simulateCrash();
      made.remove(m);
      MdnsRegisterPlugin again = closeAfter(plugin(m.instance, m.serviceAddress, m.updateInterval));
      again.start();
      for (Map.Entry<String, String> s : services.entrySet()) {
        again.register(s.getKey(), null, s.getValue());
      }
    }
  }
}
