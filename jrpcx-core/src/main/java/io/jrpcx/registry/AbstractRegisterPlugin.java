package io.jrpcx.registry;

import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.ServerContext;
import io.jrpcx.server.ServerPlugin;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base of registry plugins (ZooKeeper, etcd, Consul, Redis, mDNS), rpcx's common register
 * plugin model: it keeps the services this server registered, counts accepted connections and
 * calls, and every {@code updateInterval} asks the subclass to refresh each service's entry with
 * the metadata plus {@code calls} and {@code connections}, the mean rate per second since the
 * plugin started, as Go's update loop writes them.
 *
 * <p>A subclass writes its registry's layout in {@link #doRegister}, {@link #doUnregister} and
 * {@link #refresh}, and releases its client in {@link #doClose}. Add the plugin to the server
 * builder and call {@link #start()}; the server calls {@link #unregister} for every service when
 * it shuts down, before draining, and {@link #close()} removes whatever is left.
 *
 * <p><b>One lock.</b> {@code doRegister}, {@code doUnregister} and {@code refresh} run under this
 * base's lock, one at a time, so that a refresh that read a service just before it was
 * unregistered never writes its entry back. A subclass runs its other writes (re-registering
 * after a reconnection, restoring what a restarted registry lost, its own start and close) in
 * {@link #underLock} to be serialised with them, rather than keeping a lock of its own.
 */
public abstract class AbstractRegisterPlugin
    implements ServerPlugin.Register,
        ServerPlugin.PostConnAccept,
        ServerPlugin.PreCall,
        AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AbstractRegisterPlugin.class);

  private volatile String serviceAddress; // set once; null until the server listens when unset
  private final String basePath;
  private final Duration updateInterval;
  private final Map<String, String> services = new ConcurrentHashMap<>();

  /** Services registered before the address was known, written once the server listens. */
  private final Map<String, String> pending = new java.util.LinkedHashMap<>(); // guarded by entries

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final Object lifecycle = new Object();

  /**
   * Serialises writes of one plugin's entries: without it a refresh that read a service just
   * before it was unregistered would write its entry back into the registry after the removal.
   * Subclasses take it through {@link #underLock}.
   */
  private final Object entries = new Object();

  private ScheduledExecutorService updater;
  private boolean closed;

  /** A plugin with the settings of {@code builder}, checked there. */
  protected AbstractRegisterPlugin(RegisterPluginBuilder<?> builder) {
    this.serviceAddress = builder.serviceAddress();
    this.basePath = builder.basePath();
    this.updateInterval = builder.updateInterval();
  }

  /**
   * {@code network@host:port} as registered: the builder's, or else the server's own address
   * once it listens ({@link #listening}); null until then.
   */
  public final String serviceAddress() {
    return serviceAddress;
  }

  /** The registry prefix, as configured. */
  public final String basePath() {
    return basePath;
  }

  /** How often entries are refreshed; zero when never. */
  public final Duration updateInterval() {
    return updateInterval;
  }

  /** The services registered through this plugin and their metadata, as given. */
  public final Map<String, String> services() {
    return Map.copyOf(services);
  }

  /**
   * Starts the update loop (when the interval is positive). Registry connections are the
   * subclass's business; it may open them here by overriding and calling {@code super.start()}.
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("plugin is closed");
      }
      if (updater != null || updateInterval.isZero()) {
        return;
      }
      updater = Daemons.singleThread("jrpcx-registry-update");
      long nanos = updateInterval.toNanos();
      updater.scheduleWithFixedDelay(this::refreshAll, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void refreshAll() {
    for (String name : services.keySet()) {
      try {
        synchronized (entries) {
          String metadata = services.get(name);
          if (metadata != null) {
            refresh(name, withRates(metadata));
          }
        }
      } catch (Exception ex) {
        log.warn("refreshing {} in the registry failed; retrying in {}", name, updateInterval, ex);
      }
    }
  }

  /**
   * Registers the service in the registry.
   *
   * @throws IllegalStateException when the registry refused or could not be reached, saying which
   *     service, address and registry, and why; the registry's own exception is the cause
   */
  @Override
  public final void register(String serviceName, Object service, String metadata) throws Exception {
    String m = metadata == null ? "" : metadata;
    synchronized (entries) {
      if (serviceAddress == null) {
        pending.put(serviceName, m);
        log.debug(
            "{} is registered once the server listens: its address is not known yet", serviceName);
        return;
      }
      write(serviceName, m);
    }
  }

  /**
   * Takes the server's address as the service address when the builder set none, and registers
   * the services given before: a server started on port 0 registers the port it got.
   *
   * @throws IllegalStateException when the server listens on a wildcard address (0.0.0.0, ::),
   *     which clients cannot dial: set {@code serviceAddress} then; or when a registration fails
   */
  @Override
  public final void listening(String network, String address) throws Exception {
    synchronized (entries) {
      if (serviceAddress != null) {
        return;
      }
      String host = address.substring(0, Math.max(0, address.lastIndexOf(':')));
      if (network.equals("unix") || isWildcard(host)) {
        throw new IllegalStateException(
            "the server listens on "
                + network
                + "@"
                + address
                + ", which clients elsewhere cannot dial: set serviceAddress on the plugin's builder");
      }
      serviceAddress = network + "@" + address;
      for (Map.Entry<String, String> e : pending.entrySet()) {
        write(e.getKey(), e.getValue());
      }
      pending.clear();
    }
  }

  private static boolean isWildcard(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.isEmpty() || h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
  }

  /** Records and writes one service's entries; the caller holds {@code entries}. */
  private void write(String serviceName, String m) {
    services.put(serviceName, m);
    try {
      doRegister(serviceName, m);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot register "
              + serviceName
              + " at "
              + serviceAddress
              + " in "
              + getClass().getSimpleName()
              + ": "
              + e,
          e);
    }
  }

  @Override
  public final void unregister(String serviceName) throws Exception {
    synchronized (entries) {
      pending.remove(serviceName);
      if (services.remove(serviceName) != null) {
        doUnregister(serviceName);
      }
    }
  }

  @Override
  public boolean connectionAccepted(ClientConnection connection) {
    connections.incrementAndGet();
    return true;
  }

  @Override
  public Object preCall(ServerContext ctx, Object args) {
    calls.incrementAndGet();
    return args;
  }

  /** Work on the registry that {@link #underLock} runs. */
  @FunctionalInterface
  protected interface LockedWork<E extends Exception> {
    void run() throws E;
  }

  /**
   * Runs {@code work} under the lock that {@link #doRegister}, {@link #doUnregister} and
   * {@link #refresh} run under, so that it never interleaves with them: for a subclass's writes
   * outside those three, such as putting every entry back after the registry restarted. Work
   * that blocks on the network here holds up registrations meanwhile, so bound its waits.
   */
  protected final <E extends Exception> void underLock(LockedWork<E> work) throws E {
    synchronized (entries) {
      work.run();
    }
  }

  /**
   * {@code metadata} with {@code calls} and {@code connections} set to their mean rate per second
   * since start, two decimals, keys sorted and escaped as Go's {@code url.Values.Encode} does.
   */
  protected final String withRates(String metadata) {
    Map<String, List<String>> values = new HashMap<>(GoQuery.parseOrEmpty(metadata));
    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    values.put("calls", List.of(rate(calls.get(), seconds)));
    values.put("connections", List.of(rate(connections.get(), seconds)));
    return GoQuery.encode(values);
  }

  private static String rate(long count, double seconds) {
    return String.format(Locale.ROOT, "%.2f", count / seconds);
  }

  /**
   * Go's update loop: the entry as found in the registry ({@code current}, which an operator may
   * have edited, e.g. to add {@code state=inactive}) with {@code calls} and {@code connections}
   * taken from {@code withRates}; {@code withRates} itself when {@code current} does not parse.
   */
  protected static String mergeRates(String current, String withRates) {
    Map<String, List<String>> values = new HashMap<>(GoQuery.parseOrEmpty(current));
    if (values.isEmpty() && !current.isEmpty()) {
      return withRates;
    }
    Map<String, List<String>> rates = GoQuery.parseOrEmpty(withRates);
    for (String key : List.of("calls", "connections")) {
      List<String> v = rates.get(key);
      if (v != null) {
        values.put(key, v);
      }
    }
    return GoQuery.encode(values);
  }

  /**
   * Stops the update loop, removes every entry still registered and releases the registry
   * client. Idempotent.
   */
  @Override
  public final void close() {
    ScheduledExecutorService u;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      u = updater;
    }
    if (u != null) {
      u.shutdownNow();
    }
    for (String name : services.keySet()) {
      try {
        unregister(name);
      } catch (Exception e) {
        log.warn("removing {} from the registry failed", name, e);
      }
    }
    doClose();
  }

  /** Writes the entries of a newly registered service. */
  protected abstract void doRegister(String serviceName, String metadata) throws Exception;

  /** Removes the entry of {@code serviceName}. */
  protected abstract void doUnregister(String serviceName) throws Exception;

  /**
   * Rewrites the entry of {@code serviceName} with {@code metadata} (which now carries the
   * rates), re-creating it when it is missing, e.g. after a session loss.
   */
  protected abstract void refresh(String serviceName, String metadata) throws Exception;

  /** Releases the registry client. The default does nothing. */
  protected void doClose() {}
}
