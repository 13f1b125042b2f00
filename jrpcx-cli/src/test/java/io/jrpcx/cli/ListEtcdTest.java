package io.jrpcx.cli;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.etcd.EtcdRegisterPlugin;
import io.jrpcx.registry.etcd.EtcdServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code jrpcx list} against a real etcd (Debian's etcd-server; fails when it is missing). */
class ListEtcdTest extends RegistryListContract {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  @Override
  String registryUrl() {
    return "etcd://" + etcd.endpoint().substring("http://".length());
  }

  @Override
  String unreachableUrl() {
    return "etcd://127.0.0.1:" + freePort();
  }

  @Override
  AbstractRegisterPlugin plugin(String serviceAddress, String basePath) {
    return EtcdRegisterPlugin.builder()
        .endpoints(etcd.endpoint())
        .serviceAddress(serviceAddress)
        .basePath(basePath)
        .build();
  }
}
