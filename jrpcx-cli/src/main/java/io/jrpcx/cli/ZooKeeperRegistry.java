package io.jrpcx.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;

/**
 * ZooKeeper as rpcx lays it out: {@code <basePath>/<service>/<network@address>}, the metadata as
 * the leaf's data. Go strips one leading slash from the base path and puts it back, so
 * {@code rpcx_test} and {@code /rpcx_test} are the same znode.
 */
final class ZooKeeperRegistry implements Registry {
  private final String servers;
  private final Duration timeout;
  private final CuratorFramework zk;

  ZooKeeperRegistry(String servers, Duration timeout) {
    this.servers = servers;
    this.timeout = timeout;
    int ms = Math.toIntExact(timeout.toMillis());
    this.zk =
        CuratorFrameworkFactory.builder()
            .connectString(servers)
            .sessionTimeoutMs(Math.max(ms, 10_000))
            .connectionTimeoutMs(ms)
            .retryPolicy(new RetryOneTime(100))
            .ensembleTracker(false)
            .build();
  }

  @Override
  public ServiceTable list(String basePath) throws Exception {
    zk.start();
    if (!zk.blockUntilConnected(Math.toIntExact(timeout.toMillis()), TimeUnit.MILLISECONDS)) {
      throw Registry.unreachable("ZooKeeper at " + servers, timeout, null);
    }
    String base = "/" + Registry.trimSlashes(basePath);
    ServiceTable table = new ServiceTable();
    for (String service : children(base.equals("/") ? "/" : base)) {
      String dir = (base.equals("/") ? "" : base) + "/" + service;
      table.addService(service);
      for (String node : children(dir)) {
        try {
          byte[] data = zk.getData().forPath(dir + "/" + node);
          table.addNode(
              service, node, data == null ? "" : new String(data, StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
          // the server left while we looked
        }
      }
    }
    return table;
  }

  private List<String> children(String path) throws Exception {
    try {
      return zk.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  @Override
  public void close() {
    zk.close();
  }
}
