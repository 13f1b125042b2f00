package io.jrpcx.registry.zookeeper;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.AbstractRegistryContractTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry contract against ZooKeeper in the JVM (Curator's TestingServer). */
class ZooKeeperContractTest extends AbstractRegistryContractTest {
  @RegisterExtension final ZooKeeperServer zk = new ZooKeeperServer();

  @Override
  protected AbstractRegisterPlugin newPlugin(
      String serviceAddress, String basePath, Duration updateInterval) {
    return withAddress(ZooKeeperRegisterPlugin.builder(), serviceAddress)
        .zkServers(zk.connectString())
        .basePath(basePath)
        .updateInterval(updateInterval)
        .build();
  }

  @Override
  protected String registryUrl() {
    return "zookeeper://" + zk.connectString();
  }

  @Override
  protected ServiceDiscovery newDiscovery(String basePath, String servicePath) {
    return ZooKeeperDiscovery.create(basePath, servicePath, zk.connectString());
  }

  /** Every znode from the base path down, with its data. */
  @Override
  protected Map<String, String> entries(String basePath) throws Exception {
    Map<String, String> out = new TreeMap<>();
    read(zk.client(), ZkSupport.basePath(basePath), out);
    return out;
  }

  private static void read(CuratorFramework c, String path, Map<String, String> out)
      throws Exception {
    try {
      byte[] data = c.getData().forPath(path);
      out.put(path, data == null ? "" : new String(data, StandardCharsets.UTF_8));
      for (String child : c.getChildren().forPath(path)) {
        read(c, path + "/" + child, out);
      }
    } catch (KeeperException.NoNodeException gone) {
      // removed while being read
    }
  }

  /** Spec §3.11, ZooKeeper: two persistent directories and the (ephemeral) leaf. */
  @Override
  protected Map<String, String> goLayout() {
    return Map.of(
        "/rpcx_test", "rpcx_path",
        "/rpcx_test/Arith", "Arith",
        "/rpcx_test/Arith/tcp@10.0.0.5:8972", "weight=10&group=g1");
  }

  @Override
  protected void restartRegistry() throws Exception {
    zk.restartKeepingData();
  }
}
