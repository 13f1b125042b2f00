package io.jrpcx.console;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.zookeeper.ZooKeeperRegisterPlugin;
import io.jrpcx.registry.zookeeper.ZooKeeperServer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's ZooKeeper reader and writer against Curator's in-JVM server: the leaf stays the
 * ephemeral znode of its server's session.
 */
class ZooKeeperStoreTest extends RegistryStoreContract {
  @RegisterExtension final ZooKeeperServer zk = new ZooKeeperServer();

  @Override
  String registryUrl() {
    return "zookeeper://" + zk.connectString();
  }

  @Override
  AbstractRegisterPlugin plugin(String serviceAddress, String basePath) {
    ZooKeeperRegisterPlugin p =
        ZooKeeperRegisterPlugin.builder()
            .zkServers(zk.connectString())
            .serviceAddress(serviceAddress)
            .basePath(basePath)
            .build();
    p.start();
    return p;
  }

  @Override
  String tie(String service, String node) throws Exception {
    try (CuratorFramework c =
        CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
      c.start();
      Stat stat = c.checkExists().forPath(BASE + "/" + service + "/" + node);
      return stat.getEphemeralOwner() == 0 ? "none" : "session " + stat.getEphemeralOwner();
    }
  }
}
