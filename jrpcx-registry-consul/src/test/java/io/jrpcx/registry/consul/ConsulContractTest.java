package io.jrpcx.registry.consul;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.AbstractRegistryContractTest;
import io.jrpcx.registry.RegistryBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;

/**
 * The registry contract against the Consul stand-in ({@link ConsulStandIn}: no Consul binary can
 * be had on the build machines), which serves Consul's KV, session and blocking-query API on a
 * loopback port. Restarting it is a Consul dev agent restart: a new stand-in on the same port,
 * with nothing in it, so the plugins write their entries again.
 */
class ConsulContractTest extends AbstractRegistryContractTest {
  private volatile ConsulStandIn consul;

  @BeforeEach
  void startConsul() throws Exception {
    consul = ConsulStandIn.start();
    // Registered first, so closed last: after the plugins and discoveries that talk to it.
    closeAfter(() -> consul.close());
  }

  @Override
  protected AbstractRegisterPlugin newPlugin(
      String serviceAddress, String basePath, Duration updateInterval) {
    return withAddress(ConsulRegisterPlugin.builder(), serviceAddress)
        .consulAddress(consul.address())
        .basePath(basePath)
        .updateInterval(updateInterval)
        .requestTimeout(Duration.ofSeconds(2))
        .build();
  }

  @Override
  protected String registryUrl() {
    return "consul://" + consul.address();
  }

  @Override
  protected ServiceDiscovery newDiscovery(String basePath, String servicePath) {
    return ConsulDiscovery.builder()
        .consulAddress(consul.address())
        .basePath(basePath)
        .servicePath(servicePath)
        .requestTimeout(Duration.ofSeconds(2))
        .build();
  }

  /** The KV entries under the base path's key, as the agent stores them. */
  @Override
  protected Map<String, String> entries(String basePath) {
    String prefix = RegistryBuilder.trimSlashes(basePath);
    Map<String, String> out = new TreeMap<>();
    for (String key : consul.keys()) {
      ConsulStandIn.Kv kv = consul.kv(key);
      if (kv != null && (key.equals(prefix) || key.startsWith(prefix + "/"))) {
        out.put(key, kv.text());
      }
    }
    return out;
  }

  /** Spec §3.11, Consul KV: the keys without the leading slash. */
  @Override
  protected Map<String, String> goLayout() {
    return Map.of(
        "rpcx_test", "rpcx_path",
        "rpcx_test/Arith", "Arith",
        "rpcx_test/Arith/tcp@10.0.0.5:8972", "weight=10&group=g1");
  }

  /**
   * {@inheritDoc} The stand-in restarts as a Consul dev agent does, with nothing in it, and
   * {@link ConsulDiscovery} reports what the agent holds.
   */
  @Override
  protected boolean restartLosesEntries() {
    return true;
  }

  @Override
  protected void restartRegistry() throws Exception {
    int port = consul.port();
    consul.close();
    consul = ConsulStandIn.start(new ConsulStandIn.Options().port(port));
  }
}
