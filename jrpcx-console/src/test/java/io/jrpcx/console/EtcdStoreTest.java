package io.jrpcx.console;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.etcd.EtcdRegisterPlugin;
import io.jrpcx.registry.etcd.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's etcd reader and writer against a real etcd: the lease stays on the entry. */
class EtcdStoreTest extends RegistryStoreContract {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  @Override
  String registryUrl() {
    return "etcd://" + etcd.endpoint().substring("http://".length());
  }

  @Override
  AbstractRegisterPlugin plugin(String serviceAddress, String basePath) {
    EtcdRegisterPlugin p =
        EtcdRegisterPlugin.builder()
            .endpoints(etcd.endpoint())
            .serviceAddress(serviceAddress)
            .basePath(basePath)
            .build();
    p.start();
    return p;
  }

  @Override
  String tie(String service, String node) throws Exception {
    try (Client c = Client.builder().endpoints(etcd.endpoint()).build()) {
      List<KeyValue> kvs =
          c.getKVClient()
              .get(ByteSequence.from(BASE + "/" + service + "/" + node, StandardCharsets.UTF_8))
              .get(10, TimeUnit.SECONDS)
              .getKvs();
      long lease = kvs.get(0).getLease();
      return lease == 0 ? "none" : "lease " + lease;
    }
  }
}
