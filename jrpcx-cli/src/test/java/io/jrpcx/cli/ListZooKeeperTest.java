package io.jrpcx.cli;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.zookeeper.ZooKeeperRegisterPlugin;
import io.jrpcx.registry.zookeeper.ZooKeeperServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code jrpcx list} against a real ZooKeeper (Curator's in-JVM server). */
class ListZooKeeperTest extends RegistryListContract {
  @RegisterExtension final ZooKeeperServer zk = new ZooKeeperServer();

  @Override
  String registryUrl() {
    return "zookeeper://" + zk.connectString();
  }

  @Override
  String unreachableUrl() {
    return "zookeeper://127.0.0.1:" + freePort();
  }

  @Override
  AbstractRegisterPlugin plugin(String serviceAddress, String basePath) {
    return ZooKeeperRegisterPlugin.builder()
        .zkServers(zk.connectString())
        .serviceAddress(serviceAddress)
        .basePath(basePath)
        .build();
  }
}
