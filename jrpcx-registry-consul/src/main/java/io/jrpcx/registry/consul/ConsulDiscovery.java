package io.jrpcx.registry.consul;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.Backoff;
import io.jrpcx.registry.DiscoveryBuilder;
import io.jrpcx.registry.RegistryBuilder;
import io.jrpcx.registry.RegistryDiscovery;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the servers of one service in Consul's KV store, in rpcx's layout: it lists
 * {@code <basePath>/<servicePath>} recursively (base path without its leading slash, e.g.
 * {@code rpcx_test/Arith}) and reports every key below it as a node, the part after
 * {@code rpcx_test/Arith/} ({@code tcp@10.0.0.5:8972}) as the node key and the value as its
 * metadata. Entries written by Go rpcx servers and by {@link ConsulRegisterPlugin} read the same.
 *
 * <p>It follows changes with Consul blocking queries ({@code index} = the last
 * {@code X-Consul-Index}, {@code wait} 15 s by default) and publishes the full, sorted list on
 * every change, metadata-only changes included ({@code state=inactive}, a new {@code weight}).
 * When Consul cannot be reached it retries with a jittered back-off from 1 s doubling to 30 s and lists again
 * from scratch, so a restarted agent is picked up. Keys of other services that merely share the
 * prefix ({@code rpcx_test/Arithmetic/...}) are ignored, which Go does not do.
 *
 * <pre>{@code
 * ConsulDiscovery d = ConsulDiscovery.create("/rpcx_test", "Arith", "127.0.0.1:8500");
 * XClient x = XClient.create("Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d,
 *     ClientOptions.DEFAULT);
 * // OneClient: one template, cloned per service
 * OneClient one = OneClient.create(FailMode.FAILOVER, SelectMode.ROUND_ROBIN,
 *     ConsulDiscovery.template("/rpcx_test", "127.0.0.1:8500"), ClientOptions.DEFAULT);
 * }</pre>
 *
 * <p>The constructor lists once before returning, so {@link #services()} is current at once; if
 * Consul does not answer, the list starts empty and fills when it does. Each watching discovery
 * holds one daemon thread, stopped by {@link #close()}. Thread-safe.
 */
public final class ConsulDiscovery extends RegistryDiscovery {
  private static final Logger log = LoggerFactory.getLogger(ConsulDiscovery.class);

  private final Settings settings;
  private final String listPrefix;
  private final String nodePrefix;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread watcher;

  private ConsulDiscovery(Settings settings, String servicePath) {
    super(settings.basePath, servicePath);
    this.settings = settings;
    if (servicePath == null) {
      listPrefix = null;
      nodePrefix = null;
      watcher = null;
      return;
    }
    String base = RegistryBuilder.trimSlashes(settings.basePath);
    listPrefix = base.isEmpty() ? servicePath : base + "/" + servicePath;
    nodePrefix = listPrefix + "/";
    long index = 0;
    try {
      index = listAndPublish(0);
    } catch (IOException e) {
      readFailed(e);
      log.warn(
          "cannot list {} in Consul at {}; retrying in the background",
          listPrefix,
          settings.http.address(),
          e);
    }
    long first = index;
    watcher = new Thread(() -> watch(first), "jrpcx-consul-discovery-" + servicePath);
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Watches {@code <basePath>/<servicePath>} in the Consul agent at {@code consulAddress}. */
  public static ConsulDiscovery create(String basePath, String servicePath, String consulAddress) {
    return builder()
        .consulAddress(consulAddress)
        .basePath(basePath)
        .servicePath(servicePath)
        .build();
  }

  /**
   * A discovery that knows only {@code basePath}: it watches nothing itself and makes one
   * discovery per service with {@link #clone(String)}, for {@link io.jrpcx.client.OneClient}
   * (Go's {@code NewConsulDiscoveryTemplate}).
   */
  public static ConsulDiscovery template(String basePath, String consulAddress) {
    return builder().consulAddress(consulAddress).basePath(basePath).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A discovery of {@code servicePath} with the same settings, sharing the HTTP client. */
  @Override
  public ConsulDiscovery clone(String servicePath) {
    return new ConsulDiscovery(settings, cloneable(servicePath));
  }

  @Override
  protected void doClose() {
    closed.countDown();
    if (watcher != null) {
      // Aborts the blocking query in flight rather than waiting out its wait time.
      watcher.interrupt();
    }
  }

  private void watch(long startIndex) {
    long index = startIndex;
    Backoff backoff = Backoff.registry();
    while (!isClosed()) {
      try {
        index = listAndPublish(index);
        backoff.reset();
      } catch (IOException e) {
        if (isClosed()) {
          return;
        }
        readFailed(e);
        Duration delay = backoff.next();
        log.warn(
            "watching {} in Consul at {} failed; listing again in {} ms",
            listPrefix,
            settings.http.address(),
            delay.toMillis(),
            e);
        index = 0; // Consul may have restarted with other indexes: start from a plain list
        try {
          if (closed.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
            return;
          }
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /**
   * One (blocking, when {@code index > 0}) list, published; returns the index to wait on next.
   */
  private long listAndPublish(long index) throws IOException {
    ConsulHttp.Listing listing = settings.http.list(listPrefix, index, settings.waitTime);
    publish(nodes(listing.entries()));
    // Consul's advice: an index that went backwards (a restored or restarted agent) or is not
    // positive must not be waited on; 0 would turn the watch into a busy loop, so use 1.
    return Math.max(1, listing.index());
  }

  private List<KVPair> nodes(List<ConsulHttp.Entry> entries) {
    List<KVPair> nodes = new ArrayList<>(entries.size());
    for (ConsulHttp.Entry e : entries) {
      // Skips the service key itself and services that only share the prefix.
      if (e.key().startsWith(nodePrefix) && e.key().length() > nodePrefix.length()) {
        nodes.add(new KVPair(e.key().substring(nodePrefix.length()), e.value()));
      }
    }
    nodes.sort(Comparator.comparing(KVPair::key));
    return nodes;
  }

  @Override
  public String toString() {
    return "ConsulDiscovery{"
        + settings.http.address()
        + ", "
        + (listPrefix == null ? "template " + settings.basePath : listPrefix)
        + ", "
        + services()
        + "}";
  }

  private static final class Settings {
    final ConsulHttp http;
    final String basePath;
    final Duration waitTime;

    Settings(ConsulHttp http, String basePath, Duration waitTime) {
      this.http = http;
      this.basePath = basePath;
      this.waitTime = waitTime;
    }
  }

  /**
   * Settings of a {@link ConsulDiscovery}. A leading slash of the base path is dropped, as in
   * Go; without a service path, {@link #build()} makes a template.
   */
  public static final class Builder extends DiscoveryBuilder<Builder> {
    private String consulAddress = "127.0.0.1:8500";
    private Duration waitTime = Duration.ofSeconds(15);
    private Duration requestTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * The Consul agent: {@code host:port}, an {@code http://} URL or a {@code consul://host:port}
     * registry address; default {@code 127.0.0.1:8500}.
     */
    public Builder consulAddress(String address) {
      ConsulHttp.baseUri(Objects.requireNonNull(address, "address"));
      this.consulAddress = address;
      return this;
    }

    /** How long one blocking query waits for a change; default 15 s as in Go, at most 10 min. */
    public Builder waitTime(Duration wait) {
      if (wait.isNegative() || wait.isZero() || wait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("waitTime must be within (0, 10 min]");
      }
      this.waitTime = wait;
      return this;
    }

    /** Timeout of a non-blocking request and the margin added to a blocking one; default 10 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Makes the discovery; unless it is a template, it has listed the service once when this
     * returns (or failed to, within the request timeout, and keeps trying).
     */
    public ConsulDiscovery build() {
      HttpClient client = ConsulHttp.newClient(requestTimeout);
      return new ConsulDiscovery(
          new Settings(new ConsulHttp(client, consulAddress, requestTimeout), basePath(), waitTime),
          servicePath());
    }
  }
}
