package io.jrpcx.console;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * ZooKeeper as rpcx lays it out: {@code /<basePath>/<service>/<network@address>}, the metadata as
 * the leaf's data (Go strips one leading slash of the base path and puts it back). An edit sets
 * the data at the version read, so the leaf stays the ephemeral znode of its server's session and
 * a concurrent rewrite by the register plugin is never lost. Re-read on the console's timer.
 */
final class ZooKeeperStore implements WritableStore {
  private static final int ATTEMPTS = 10;

  private final String servers;
  private final String base;
  private final Duration timeout;
  private final CuratorFramework zk;

  ZooKeeperStore(String servers, String basePath, Duration timeout) {
    this.servers = servers;
    String b = RegistryStore.trimSlashes(basePath);
    this.base = b.isEmpty() ? "" : "/" + b;
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
    zk.start();
  }

  @Override
  public String describe() {
    return "ZooKeeper at " + servers;
  }

  private void connected() throws Exception {
    if (!zk.blockUntilConnected(Math.toIntExact(timeout.toMillis()), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException(
          describe() + " did not answer within " + timeout.toMillis() + " ms");
    }
  }

  @Override
  public SortedMap<String, SortedMap<String, String>> read() throws Exception {
    connected();
    SortedMap<String, SortedMap<String, String>> services = new TreeMap<>();
    for (String service : children(base.isEmpty() ? "/" : base)) {
      String dir = base + "/" + service;
      SortedMap<String, String> nodes = new TreeMap<>();
      services.put(service, nodes);
      for (String node : children(dir)) {
        try {
          byte[] data = zk.getData().forPath(dir + "/" + node);
          nodes.put(node, data == null ? "" : new String(data, StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
          // the server left while we looked
        }
      }
    }
    return services;
  }

  @Override
  public String update(String service, String node, UnaryOperator<String> edit) throws Exception {
    connected();
    String path = base + "/" + service + "/" + node;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException e) {
        throw new NoSuchElementException(
            "no node " + node + " of " + service + " in " + describe());
      }
      String value = edit.apply(data == null ? "" : new String(data, StandardCharsets.UTF_8));
      try {
        zk.setData()
            .withVersion(stat.getVersion())
            .forPath(path, value.getBytes(StandardCharsets.UTF_8));
        return value;
      } catch (KeeperException.BadVersionException e) {
        // rewritten meanwhile (the plugin's rates): edit the new value
      } catch (KeeperException.NoNodeException e) {
        throw new NoSuchElementException(
            "no node " + node + " of " + service + " in " + describe());
      }
    }
    throw new ConcurrentModificationException(
        node + " of " + service + " kept changing in " + describe() + "; try again");
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
