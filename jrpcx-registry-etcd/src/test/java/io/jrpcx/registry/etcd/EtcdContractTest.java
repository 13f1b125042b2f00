package io.jrpcx.registry.etcd;

import static io.jrpcx.registry.etcd.Etcd.bytes;
import static io.jrpcx.registry.etcd.Etcd.string;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.AbstractRegistryContractTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry contract against a real etcd (Debian's etcd-server), restarted with its data. */
class EtcdContractTest extends AbstractRegistryContractTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  @Override
  protected AbstractRegisterPlugin newPlugin(
      String serviceAddress, String basePath, Duration updateInterval) {
    // A short request timeout keeps a registration made while etcd is down from blocking long.
    return withAddress(EtcdRegisterPlugin.builder(), serviceAddress)
        .endpoints(etcd.endpoint())
        .basePath(basePath)
        .updateInterval(updateInterval)
        .requestTimeout(Duration.ofSeconds(2))
        .build();
  }

  @Override
  protected String registryUrl() {
    return "etcd://" + etcd.endpoint().substring("http://".length());
  }

  @Override
  protected ServiceDiscovery newDiscovery(String basePath, String servicePath) {
    return EtcdDiscovery.create(basePath, servicePath, etcd.endpoint());
  }

  @Override
  protected Map<String, String> entries(String basePath) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv :
        etcd.client()
            .getKVClient()
            .get(bytes(basePath), GetOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS)
            .getKvs()) {
      String key = string(kv.getKey());
      if (key.equals(basePath) || key.startsWith(basePath + "/")) {
        out.put(key, string(kv.getValue()));
      }
    }
    return out;
  }

  /** Spec §3.11, etcd v3: raw keys spelled as the base path is, all on one lease. */
  @Override
  protected Map<String, String> goLayout() {
    return Map.of(
        "/rpcx_test", "rpcx_path",
        "/rpcx_test/Arith", "Arith",
        "/rpcx_test/Arith/tcp@10.0.0.5:8972", "weight=10&group=g1");
  }

  @Override
  protected void restartRegistry() throws Exception {
    etcd.stop();
    etcd.start();
  }
}
