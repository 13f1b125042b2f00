package io.jrpcx.registry.etcd;

import static io.jrpcx.registry.etcd.Etcd.await;
import static io.jrpcx.registry.etcd.Etcd.bytes;
import static io.jrpcx.registry.etcd.Etcd.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.Daemons;
import io.jrpcx.registry.RegisterPluginBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a jrpcx server's services in etcd v3 the way Go rpcx's {@code EtcdV3RegisterPlugin}
 * does, so that Go and Java clients find it. For {@code serviceAddress} {@code tcp@10.0.0.5:8972},
 * {@code basePath} {@code /rpcx_test} and service {@code Arith} registered with metadata
 * {@code weight=10&group=g1} it writes:
 *
 * <pre>
 * /rpcx_test                          = rpcx_path
 * /rpcx_test/Arith                    = Arith
 * /rpcx_test/Arith/tcp@10.0.0.5:8972  = weight=10&amp;group=g1
 * </pre>
 *
 * <p>The keys are spelled exactly as the base path is (with or without its leading {@code /}),
 * and all three are attached to one lease of the plugin, granted with {@link Builder#leaseTtl}
 * (30 s by default) and kept alive while the plugin runs: when the process dies, etcd deletes them
 * once the lease expires. The lease is shared by every service of the plugin.
 *
 * <p>Every {@link Builder#updateInterval} the plugin reads each leaf back and rewrites it with
 * {@code calls} and {@code connections} updated, keeping whatever else the registry holds (so a
 * {@code state=inactive} an operator wrote survives, as in Go), and re-creates a leaf that has
 * gone. When the lease is lost (revoked, expired while etcd was unreachable, or gone with etcd's
 * data) it grants a new one and writes every entry again, retrying every second until etcd
 * accepts them. {@link io.jrpcx.server.Server#unregister} and a graceful shutdown delete the leaf; {@link #close()}
 * also revokes the lease, which removes the two directory keys this plugin wrote last.
 *
 * <pre>{@code
 * EtcdRegisterPlugin etcd = EtcdRegisterPlugin.builder()
 *     .endpoints("http://127.0.0.1:2379")
 *     .serviceAddress("tcp@10.0.0.5:8972")
 *     .build();
 * etcd.start();
 * Server server = Server.builder().plugin(etcd).build();
 * server.start("tcp", "10.0.0.5:8972");
 * server.register("Arith", new Arith(), "weight=10&group=g1");
 * }</pre>
 *
 * @see EtcdDiscovery
 * @see io.jrpcx.server.Server
 */
public final class EtcdRegisterPlugin extends AbstractRegisterPlugin {
  private static final Logger log = LoggerFactory.getLogger(EtcdRegisterPlugin.class);

  /** Go rpcx's etcd plugin re-puts its entries every second until etcd takes them. */
  static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

  private final Client client;
  private final boolean ownsClient;
  private final Duration leaseTtl;
  private final Duration requestTimeout;
  private final ScheduledExecutorService recovery;

  // Every write happens under the base's lock (underLock), so that a refresh cannot re-create a
  // leaf that an unregister has just deleted, and so that only one lease is ever granted at a
  // time. Callbacks from jetcd's threads never take it: they hand work to the recovery thread.
  private volatile long leaseId; // 0: none; written under the lock
  private CloseableClient keepAlive; // guarded by the lock
  private boolean recoveryScheduled; // guarded by the lock
  private volatile boolean closed;

  private EtcdRegisterPlugin(Builder b) {
    super(b);
    this.ownsClient = b.client == null;
    this.client = ownsClient ? Etcd.newClient(b.endpoints) : b.client;
    this.leaseTtl = b.leaseTtl;
    this.requestTimeout = b.requestTimeout;
    this.recovery = Daemons.singleThread("jrpcx-etcd-register");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The TTL every lease of this plugin is granted with. */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  /** The lease the entries are attached to now, 0 when there is none (for tests). */
  long currentLease() {
    return leaseId;
  }

  @Override
  protected void doRegister(String serviceName, String metadata) throws Exception {
    if (serviceName.isBlank()) {
      throw new IllegalArgumentException("service name must not be blank");
    }
    if (closed) {
      throw new IllegalStateException("etcd register plugin is closed");
    }
    write(lease -> putEntries(lease, serviceName, metadata));
  }

  @Override
  protected void doUnregister(String serviceName) throws Exception {
    if (closed) {
      return;
    }
    await(client.getKVClient().delete(bytes(leafKey(serviceName))), requestTimeout);
  }

  /**
   * Rewrites the leaf with the rates, starting from what etcd holds rather than from the
   * registered metadata, as Go does; a missing leaf is re-created with the registered metadata.
   * The two directory keys are written again too, so that they come back under this lease when
   * the server that wrote them last has gone.
   */
  @Override
  protected void refresh(String serviceName, String metadataWithRates) throws Exception {
    String registered = services().get(serviceName);
    if (closed || registered == null) {
      return;
    }
    write(
        lease -> {
          // Compare-and-put, unlike Go: an edit made between the read and the write (an operator
          // steering the node from a console) is read again instead of being overwritten.
          for (int attempt = 0; attempt < REFRESH_ATTEMPTS; attempt++) {
            KeyValue current = currentLeaf(serviceName);
            String value = current == null ? registered : withRates(string(current.getValue()));
            long revision = current == null ? 0 : current.getModRevision();
            if (putEntries(lease, serviceName, value, revision)) {
              return;
            }
          }
          log.debug(
              "{} changed during each of {} refreshes; its rates wait for the next",
              serviceName,
              REFRESH_ATTEMPTS);
        });
  }

  /** Stops keeping the lease alive, revokes it (deleting what is left) and closes the client. */
  @Override
  protected void doClose() {
    long lease = leaseId;
    stopWriting();
    recovery.shutdownNow();
    if (lease != 0) {
      try {
        await(client.getLeaseClient().revoke(lease), requestTimeout);
      } catch (Exception e) {
        log.debug("revoking lease {} failed; it expires within {}", lease, leaseTtl, e);
      }
    }
    if (ownsClient) {
      client.close();
    }
  }

  /**
   * Behaves as if the process died: stops keeping the lease alive and drops the connection
   * without deleting anything, so that the entries vanish only when the lease expires.
   */
  void crash() {
    stopWriting();
    recovery.shutdownNow();
    if (ownsClient) {
      client.close();
    }
  }

  /** Ends every write: no lease, no keep-alive, nothing written any more. */
  private void stopWriting() {
    underLock(
        () -> {
          closed = true;
          leaseId = 0;
          stopKeepAlive();
        });
  }

  /** Compare-and-put rounds of one refresh before its rates wait for the next refresh. */
  private static final int REFRESH_ATTEMPTS = 3;

  private String leafKey(String serviceName) {
    return basePath() + "/" + serviceName + "/" + serviceAddress();
  }

  /** The lease to attach entries to, granted (and kept alive from now on) if there is none. */
  private long lease() throws Exception {
    if (leaseId != 0) {
      return leaseId;
    }
    long ttlSeconds = Math.max(1, (leaseTtl.toMillis() + 999) / 1000);
    long id = await(client.getLeaseClient().grant(ttlSeconds), requestTimeout).getID();
    keepAlive = client.getLeaseClient().keepAlive(id, new KeepAliveObserver(id));
    leaseId = id;
    log.debug("granted lease {} with a TTL of {} s", id, ttlSeconds);
    return id;
  }

  /** The three keys of one service, in one transaction so that a watcher sees them together. */
  private void putEntries(long lease, String serviceName, String leafValue) throws Exception {
    await(
        client.getKVClient().txn().Then(entries(lease, serviceName, leafValue)).commit(),
        requestTimeout);
  }

  /**
   * {@link #putEntries} only while the leaf is still at {@code leafRevision} (0: still missing);
   * false when it changed meanwhile and nothing was written.
   */
  private boolean putEntries(long lease, String serviceName, String leafValue, long leafRevision)
      throws Exception {
    Cmp unchanged =
        new Cmp(bytes(leafKey(serviceName)), Cmp.Op.EQUAL, CmpTarget.modRevision(leafRevision));
    return await(
            client
                .getKVClient()
                .txn()
                .If(unchanged)
                .Then(entries(lease, serviceName, leafValue))
                .commit(),
            requestTimeout)
        .isSucceeded();
  }

  private Op[] entries(long lease, String serviceName, String leafValue) {
    PutOption withLease = PutOption.builder().withLeaseId(lease).build();
    String serviceDir = basePath() + "/" + serviceName;
    return new Op[] {
      Op.put(bytes(basePath()), bytes(Etcd.BASE_PATH_VALUE), withLease),
      Op.put(bytes(serviceDir), bytes(serviceName), withLease),
      Op.put(bytes(leafKey(serviceName)), bytes(leafValue), withLease)
    };
  }

  /** The leaf in etcd, or null when it is missing. */
  private KeyValue currentLeaf(String serviceName) throws Exception {
    GetResponse r = await(client.getKVClient().get(bytes(leafKey(serviceName))), requestTimeout);
    List<KeyValue> kvs = r.getKvs();
    return kvs.isEmpty() ? null : kvs.get(0);
  }

  /**
   * Runs {@code w} with the current lease. When etcd says the lease is gone (its keep-alive may
   * not have noticed yet) it is tried once more with a new lease; when that fails too, or etcd
   * fails otherwise, every entry is written again in the background, every second, and the error
   * is thrown. Called under the lock.
   */
  private void write(LeaseWrite w) throws Exception {
    for (int attempt = 1; ; attempt++) {
      long lease = 0;
      try {
        lease = lease();
        w.write(lease);
        return;
      } catch (Exception e) {
        boolean leaseGone = lease != 0 && lease == leaseId && Etcd.isLeaseNotFound(e);
        if (leaseGone) {
          log.info("lease {} is gone from etcd; granting a new one", lease);
          leaseId = 0;
          stopKeepAlive();
          if (attempt == 1) {
            continue;
          }
        }
        scheduleRecovery();
        throw e;
      }
    }
  }

  /** A write that needs the lease to attach keys to. */
  @FunctionalInterface
  private interface LeaseWrite {
    void write(long lease) throws Exception;
  }

  private void stopKeepAlive() {
    if (keepAlive != null) {
      keepAlive.close();
      keepAlive = null;
    }
  }

  /** Called under the lock, by {@link #write}. */
  private void scheduleRecovery() {
    if (recoveryScheduled || closed) {
      return;
    }
    recoveryScheduled = true;
    try {
      recovery.schedule(this::recover, RETRY_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      recoveryScheduled = false; // closing
    }
  }

  /** Called from jetcd's threads: never block them, the recovery thread does the work. */
  private void leaseLost(long lease, String why) {
    if (closed) {
      return;
    }
    try {
      recovery.execute(
          () ->
              underLock(
                  () -> {
                    if (closed || leaseId != lease) {
                      return;
                    }
                    log.info(
                        "lease {} lost ({}); registering {} again",
                        lease,
                        why,
                        services().keySet());
                    leaseId = 0;
                    stopKeepAlive();
                    recoverLocked();
                  }));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * Writes every registered service again under the current lease (granting one if needed),
   * keeping a leaf's value when it is still there; retried every second until it succeeds.
   */
  private void recover() {
    underLock(this::recoverLocked);
  }

  private void recoverLocked() {
    recoveryScheduled = false;
    if (closed) {
      return;
    }
    try {
      write(
          lease -> {
            for (Map.Entry<String, String> e : services().entrySet()) {
              KeyValue current = currentLeaf(e.getKey());
              putEntries(
                  lease, e.getKey(), current == null ? e.getValue() : string(current.getValue()));
            }
          });
    } catch (Exception e) {
      log.warn(
          "writing {} to etcd failed ({}); retrying in {}",
          services().keySet(),
          e.toString(),
          RETRY_INTERVAL);
    }
  }

  /** Follows jetcd's keep-alive of one lease and reports when it ends. */
  private final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {
    private final long lease;

    KeepAliveObserver(long lease) {
      this.lease = lease;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {}

    @Override
    public void onError(Throwable t) {
      // jetcd reopens a broken keep-alive stream by itself; only a lease etcd no longer
      // knows is final.
      if (Etcd.isLeaseNotFound(t)) {
        leaseLost(lease, "etcd no longer knows it");
      } else {
        log.debug("keep-alive of lease {} interrupted: {}", lease, t.toString());
      }
    }

    @Override
    public void onCompleted() {
      // jetcd ends a keep-alive that got no answer for a whole TTL: etcd may have let the
      // lease expire meanwhile.
      leaseLost(lease, "no keep-alive answer for " + leaseTtl);
    }
  }

  /**
   * Settings of an {@link EtcdRegisterPlugin}; {@code endpoints} (or a client) and the service
   * address are required. The update interval is 1 minute unless set; 0 never refreshes.
   */
  public static final class Builder extends RegisterPluginBuilder<Builder> {
    private List<String> endpoints = List.of();
    private Client client;
    private Duration leaseTtl = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(5);

    private Builder() {
      super(Duration.ofMinutes(1));
    }

    /** The etcd cluster: {@code http://127.0.0.1:2379} URLs or an {@code etcd://h:p[,h:p]} registry address; the plugin owns its client. */
    public Builder endpoints(String... endpoints) {
      this.endpoints = Etcd.endpoints(endpoints);
      return this;
    }

    /**
     * A client to use instead of {@link #endpoints}, e.g. one set up with TLS or credentials. It
     * stays the caller's: closing the plugin does not close it.
     */
    public Builder client(Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The TTL of the lease the entries hang on, rounded up to whole seconds: how long they outlive
     * a dead server. 30 s by default, Go's value.
     */
    public Builder leaseTtl(Duration leaseTtl) {
      this.leaseTtl = positive(leaseTtl, "leaseTtl");
      return this;
    }

    /** How long one etcd request may take before it counts as failed; 5 s by default. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    public EtcdRegisterPlugin build() {
      if (client == null && endpoints.isEmpty()) {
        throw new IllegalStateException("endpoints or client is required");
      }
      return new EtcdRegisterPlugin(this);
    }
  }
}
