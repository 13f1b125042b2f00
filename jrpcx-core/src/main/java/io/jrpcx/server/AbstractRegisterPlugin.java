package io.jrpcx.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
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
 */
public abstract class AbstractRegisterPlugin implements ServerPlugin.Register,
    ServerPlugin.PostConnAccept, ServerPlugin.PreCall, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AbstractRegisterPlugin.class);

  private final String serviceAddress;
  private final String basePath;
  private final Duration updateInterval;
  private final Map<String, String> services = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final Object lifecycle = new Object();
  /**
   * Serialises writes of one plugin's entries: without it a refresh that read a service just
   * before it was unregistered would write its entry back into the registry after the removal.
   */
  private final Object entries = new Object();
  private ScheduledExecutorService updater;
  private boolean closed;

  /**
   * @param serviceAddress this server as clients dial it, {@code network@host:port}, e.g.
   *     {@code tcp@10.0.0.5:8972}
   * @param basePath the registry prefix, e.g. {@code /rpcx_test}
   * @param updateInterval how often entries are refreshed; zero disables the loop
   */
  protected AbstractRegisterPlugin(String serviceAddress, String basePath,
      Duration updateInterval) {
    this.serviceAddress = Objects.requireNonNull(serviceAddress, "serviceAddress");
    if (serviceAddress.indexOf('@') <= 0) {
      throw new IllegalArgumentException("serviceAddress must be network@host:port, was '"
          + serviceAddress + "'");
    }
    this.basePath = Objects.requireNonNull(basePath, "basePath");
    this.updateInterval = Objects.requireNonNull(updateInterval, "updateInterval");
    if (updateInterval.isNegative()) {
      throw new IllegalArgumentException("updateInterval must not be negative");
    }
  }

  /** {@code network@host:port} as registered. */
  public final String serviceAddress() {
    return serviceAddress;
  }

  public final String basePath() {
    return basePath;
  }

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
      updater = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jrpcx-registry-update");
        t.setDaemon(true);
        return t;
      });
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
        log.warn("refreshing {} in the registry failed; retrying in {}", name, updateInterval,
            ex);
      }
    }
  }

  @Override
  public final void register(String serviceName, Object service, String metadata)
      throws Exception {
    String m = metadata == null ? "" : metadata;
    synchronized (entries) {
      services.put(serviceName, m);
      doRegister(serviceName, m);
    }
  }

  @Override
  public final void unregister(String serviceName) throws Exception {
    synchronized (entries) {
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

  /**
   * {@code metadata} with {@code calls} and {@code connections} set to their mean rate per second
   * since start, two decimals, keys sorted and escaped as Go's {@code url.Values.Encode} does.
   */
  protected final String withRates(String metadata) {
    Map<String, java.util.List<String>> values = parseQuery(metadata);
    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    values.put("calls", java.util.List.of(String.format(Locale.ROOT, "%.2f",
        calls.get() / seconds)));
    values.put("connections", java.util.List.of(String.format(Locale.ROOT, "%.2f",
        connections.get() / seconds)));
    return encodeQuery(values);
  }

  /**
   * Go's update loop: the entry as found in the registry ({@code current}, which an operator may
   * have edited, e.g. to add {@code state=inactive}) with {@code calls} and {@code connections}
   * taken from {@code withRates}; {@code withRates} itself when {@code current} does not parse.
   */
  protected static String mergeRates(String current, String withRates) {
    Map<String, java.util.List<String>> values = parseQuery(current);
    if (values.isEmpty() && !current.isEmpty()) {
      return withRates;
    }
    Map<String, java.util.List<String>> rates = parseQuery(withRates);
    for (String key : java.util.List.of("calls", "connections")) {
      java.util.List<String> v = rates.get(key);
      if (v != null) {
        values.put(key, v);
      }
    }
    return encodeQuery(values);
  }

  /** Parses a query string into sorted keys; an unparsable string yields no keys, as in Go. */
  protected static Map<String, java.util.List<String>> parseQuery(String query) {
    Map<String, java.util.List<String>> out = new TreeMap<>();
    if (query.isEmpty() || query.indexOf(';') >= 0) {
      return out;
    }
    try {
      for (String part : query.split("&")) {
        if (part.isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq),
            StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1),
            StandardCharsets.UTF_8);
        out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    } catch (IllegalArgumentException e) {
      out.clear();
    }
    return out;
  }

  /** Go's {@code url.Values.Encode}: keys sorted, each value in order, query-escaped. */
  protected static String encodeQuery(Map<String, java.util.List<String>> values) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, java.util.List<String>> e : new TreeMap<>(values).entrySet()) {
      for (String v : e.getValue()) {
        if (sb.length() > 0) {
          sb.append('&');
        }
        sb.append(queryEscape(e.getKey())).append('=').append(queryEscape(v));
      }
    }
    return sb.toString();
  }

  /** Go's {@code url.QueryEscape}: unreserved bytes kept, space as '+', the rest %XX. */
  static String queryEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
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
