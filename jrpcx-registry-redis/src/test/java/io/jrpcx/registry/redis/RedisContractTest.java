package io.jrpcx.registry.redis;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.AbstractRegistryContractTest;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry contract against a real Redis (Debian's redis-server). A restart loses every key,
 * as nothing is persisted: the plugins write their entries again.
 */
class RedisContractTest extends AbstractRegistryContractTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  @Override
  protected AbstractRegisterPlugin newPlugin(
      String serviceAddress, String basePath, Duration updateInterval) {
    return withAddress(RedisRegisterPlugin.builder(), serviceAddress)
        .redisAddress(redis.address())
        .basePath(basePath)
        .updateInterval(updateInterval)
        .timeout(Duration.ofSeconds(2))
        .build();
  }

  @Override
  protected String registryUrl() {
    return "redis://" + redis.address();
  }

  @Override
  protected ServiceDiscovery newDiscovery(String basePath, String servicePath) {
    return RedisDiscovery.create(basePath, servicePath, redis.address());
  }

  /** Every key of the base path with the value of its libkv envelope. */
  @Override
  protected Map<String, String> entries(String basePath) {
    RedisCommands<String, String> c = redis.commands();
    String base = Libkv.normalize(Libkv.trimBasePath(basePath));
    Map<String, String> out = new TreeMap<>();
    for (String key : c.keys(Libkv.globEscape(base) + "*")) {
      String raw = c.get(key);
      if (raw != null && (key.equals(base) || key.startsWith(base + "/"))) {
        out.put(key, Libkv.decode(raw).value());
      }
    }
    return out;
  }

  /** Spec §3.11, Redis: libkv prefixes a slash to the keys Go hands it. */
  @Override
  protected Map<String, String> goLayout() {
    return Map.of(
        "//rpcx_test", "rpcx_path",
        "//rpcx_test/Arith", "Arith",
        "//rpcx_test/Arith/tcp@10.0.0.5:8972", "weight=10&group=g1");
  }

  /**
   * {@inheritDoc} Redis keeps nothing across a restart here (nothing is persisted), and
   * {@link RedisDiscovery} reports what Redis holds, as its javadoc says.
   */
  @Override
  protected boolean restartLosesEntries() {
    return true;
  }

  @Override
  protected void restartRegistry() throws Exception {
    redis.stop();
    redis.start();
  }
}
