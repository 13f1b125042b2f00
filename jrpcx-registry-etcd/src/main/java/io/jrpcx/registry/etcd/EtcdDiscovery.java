package io.jrpcx.registry.etcd;

import static io.jrpcx.registry.etcd.Etcd.await;
import static io.jrpcx.registry.etcd.Etcd.bytes;
import static io.jrpcx.registry.etcd.Etcd.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.Backoff;
import io.jrpcx.registry.Daemons;
import io.jrpcx.registry.DiscoveryBuilder;
import io.jrpcx.registry.RegistryDiscovery;
import io.jrpcx.registry.SharedClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the servers of one service in etcd v3, as Go rpcx's {@code EtcdV3Discovery} does: it lists
 * the keys under {@code <basePath>/<servicePath>/} (the base path spelled exactly as the servers
 * spell it) and reports each as a node whose key is the rest of the etcd key ({@code
 * tcp@10.0.0.5:8972}) and whose value is the metadata. It works with servers registered by
 * {@link EtcdRegisterPlugin} and by Go rpcx.
 *
 * <p>It watches the prefix and lists it again on every change, so metadata-only changes such as
 * {@code state=inactive} or a new {@code weight} are seen, not only servers coming and going.
 * Starting before any server registered is fine (Go's {@code allowKeyNotFound}): the list is empty
 * until one does. When the watch breaks, for example because etcd restarted, it lists again and
 * watches from there, after a jittered {@link Backoff} (1 s doubling to 30 s); listing again
 * also covers an etcd that came back without its data, where resuming the old watch would miss
 * every change.
 *
 * <pre>{@code
 * EtcdDiscovery d = EtcdDiscovery.create("/rpcx_test", "Arith", "http://127.0.0.1:2379");
 * XClient x = XClient.create("Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d,
 *     ClientOptions.DEFAULT);
 * }</pre>
 *
 * <p>A template, made with {@link #template} and holding only the base path, lists nothing; its
 * {@link #clone(String)}s are discoveries of one service each, which is how
 * {@link io.jrpcx.client.OneClient} uses it. Clones share one etcd client, closed with the last of
 * them.
 */
public final class EtcdDiscovery extends RegistryDiscovery {
  private static final Logger log = LoggerFactory.getLogger(EtcdDiscovery.class);

  private final SharedClient<Client> client;
  private final String prefix; // <basePath>/<servicePath>/
  private final Duration requestTimeout;
  private final ScheduledExecutorService executor; // null for a template
  private final AtomicBoolean relistQueued = new AtomicBoolean();

  // Written on the executor only. A watch callback carries the generation it was made in and is
  // ignored once a newer watch replaced it.
  private volatile Watch.Watcher watcher;
  private volatile long generation;
  private final Backoff backoff = Backoff.registry();
  private boolean reconnectScheduled;

  private EtcdDiscovery(
      SharedClient<Client> client, String basePath, String servicePath, Duration requestTimeout) {
    super(basePath, servicePath);
    this.client = client;
    this.requestTimeout = requestTimeout;
    if (servicePath == null) {
      this.prefix = null;
      this.executor = null;
      return;
    }
    this.prefix = basePath + "/" + servicePath + "/";
    this.executor = Daemons.singleThread("jrpcx-etcd-discovery-" + servicePath);
    // The first list is made before the constructor returns, so that an XClient created next
    // sees the servers at once; if etcd cannot be reached it goes on in the background.
    try {
      executor.submit(this::listAndWatch).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("first listing of {} failed", prefix, e.getCause());
    }
  }

  /** A discovery of {@code servicePath} under {@code basePath} in the etcd at {@code endpoints}. */
  public static EtcdDiscovery create(String basePath, String servicePath, String... endpoints) {
    return builder().endpoints(endpoints).basePath(basePath).servicePath(servicePath).build();
  }

  /**
   * A template discovery that knows only {@code basePath}: it lists nothing, and its
   * {@link #clone(String)}s follow one service each (rpcx's {@code NewEtcdV3DiscoveryTemplate}).
   */
  public static EtcdDiscovery template(String basePath, String... endpoints) {
    return builder().endpoints(endpoints).basePath(basePath).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A discovery of {@code servicePath} with this one's etcd client, base path and timeouts. */
  @Override
  public EtcdDiscovery clone(String servicePath) {
    return new EtcdDiscovery(client.retain(), basePath(), cloneable(servicePath), requestTimeout);
  }

  @Override
  protected void doClose() {
    if (executor != null) {
      executor.shutdownNow();
      generation++;
      Watch.Watcher w = watcher;
      if (w != null) {
        w.close();
      }
    }
    client.release();
  }

  /** Lists the prefix, publishes it and watches from the revision listed; on the executor. */
  private void listAndWatch() {
    reconnectScheduled = false;
    stopWatching();
    if (isClosed()) {
      return;
    }
    long revision;
    try {
      revision = list();
    } catch (Exception e) {
      readFailed(e);
      reconnect("listing failed: " + e);
      return;
    }
    backoff.reset();
    long gen = generation;
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision + 1).build();
    watcher =
        client
            .get()
            .getWatchClient()
            .watch(
                bytes(prefix),
                option,
                Watch.listener(
                    response -> onChange(gen),
                    error -> onWatchEnded(gen, "watch failed: " + error),
                    () -> onWatchEnded(gen, "watch ended")));
    if (isClosed()) {
      stopWatching(); // close() ran meanwhile and saw no watcher to close
    }
  }

  /** Publishes the current nodes; returns the revision they were read at. */
  private long list() throws Exception {
    GetResponse r =
        await(
            client
                .get()
                .getKVClient()
                .get(bytes(prefix), GetOption.builder().isPrefix(true).build()),
            requestTimeout);
    List<KVPair> nodes = new ArrayList<>();
    for (KeyValue kv : r.getKvs()) {
      String key = string(kv.getKey());
      // Go keeps what starts with the prefix and uses the rest as the node key; the rest is
      // network@address, which for unix sockets holds slashes itself.
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        nodes.add(new KVPair(key.substring(prefix.length()), string(kv.getValue())));
      }
    }
    nodes.sort(Comparator.comparing(KVPair::key));
    publish(nodes);
    return r.getHeader().getRevision();
  }

  /** A watch event from jetcd's threads: list again on the executor, once per burst. */
  private void onChange(long gen) {
    if (!relistQueued.compareAndSet(false, true)) {
      return;
    }
    execute(
        () -> {
          relistQueued.set(false);
          if (gen != generation || isClosed()) {
            return;
          }
          try {
            list();
          } catch (Exception e) {
            readFailed(e);
            reconnect("listing after a change failed: " + e);
          }
        });
  }

  private void onWatchEnded(long gen, String why) {
    execute(
        () -> {
          if (gen == generation && !isClosed()) {
            reconnect(why);
          }
        });
  }

  /** Drops the watch and lists again after the back-off. */
  private void reconnect(String why) {
    stopWatching();
    if (reconnectScheduled || isClosed()) {
      return;
    }
    reconnectScheduled = true;
    Duration delay = backoff.next();
    // A failed read is a registry failure the user should see; an ended watch is routine.
    if (lastError() != null) {
      log.warn("etcd discovery of {}: {}; listing again in {} ms", prefix, why, delay.toMillis());
    } else {
      log.info("etcd discovery of {}: {}; listing again in {} ms", prefix, why, delay.toMillis());
    }
    try {
      executor.schedule(this::listAndWatch, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private void stopWatching() {
    generation++;
    Watch.Watcher w = watcher;
    watcher = null;
    if (w != null) {
      // Closing stops jetcd from resuming the old watch from its old revision by itself.
      w.close();
    }
  }

  private void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /**
   * Settings of an {@link EtcdDiscovery}; {@code endpoints} (or a client) is required. The base
   * path is spelled as the servers spell it; {@code /rpcx_test} by default.
   */
  public static final class Builder extends DiscoveryBuilder<Builder> {
    private List<String> endpoints = List.of();
    private Client client;
    private Duration requestTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /** The etcd cluster: {@code http://127.0.0.1:2379} URLs or an {@code etcd://h:p[,h:p]} registry address; the discovery owns its client. */
    public Builder endpoints(String... endpoints) {
      this.endpoints = Etcd.endpoints(endpoints);
      return this;
    }

    /**
     * A client to use instead of {@link #endpoints}, e.g. one set up with TLS or credentials. It
     * stays the caller's: closing the discovery does not close it.
     */
    public Builder client(Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** How long one etcd request may take before it counts as failed; 5 s by default. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * Makes the discovery; unless it is a template, it has listed the service once when this
     * returns (or failed to, within the request timeout, and keeps trying).
     */
    public EtcdDiscovery build() {
      if (client == null && endpoints.isEmpty()) {
        throw new IllegalStateException("endpoints or client is required");
      }
      SharedClient<Client> shared =
          client != null
              ? SharedClient.borrowed(client)
              : SharedClient.owned(Etcd.newClient(endpoints), Client::close);
      return new EtcdDiscovery(shared, basePath(), servicePath(), requestTimeout);
    }
  }
}
