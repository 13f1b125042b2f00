package io.jrpcx.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.WatcherException;
import io.jrpcx.client.discovery.AbstractServiceDiscovery;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.Backoff;
import io.jrpcx.registry.Daemons;
import io.jrpcx.registry.GoQuery;
import io.jrpcx.registry.RegistryAddress;
import io.jrpcx.registry.SharedClient;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the servers of a Kubernetes Service from its EndpointSlices ({@code discovery.k8s.io/v1}),
 * without a registry: every ready endpoint becomes a node {@code tcp@<pod IP>:<port>}, and the
 * node list follows the Service as it scales, rolls out or loses readiness.
 *
 * <pre>{@code
 * KubernetesDiscovery d = KubernetesDiscovery.create("default", "arith", "rpcx");
 * XClient x = XClient.create("Arith", FailMode.FAILOVER, SelectMode.WEIGHTED_ROUND_ROBIN, d,
 *     ClientOptions.DEFAULT);
 * }</pre>
 *
 * <ul>
 *   <li>The port is the EndpointSlice port of that name (the Service port's name), or of that
 *       number (the pods' port); without one, a Service with a single port is enough.
 *   <li>An endpoint is listed while its {@code ready} condition is true (or unset) and it is not
 *       {@code terminating}: a pod that fails its readiness probe or starts terminating is dropped
 *       by the event that says so.
 *   <li>Metadata: every annotation {@code rpcx.io/<key>} of the Service, overridden by the same
 *       annotation on the endpoint's Pod, becomes metadata {@code <key>=<value>} in rpcx's query
 *       string ({@code rpcx.io/weight: "10"}, {@code rpcx.io/group: g1}, {@code rpcx.io/state:
 *       inactive} give {@code group=g1&state=inactive&weight=10}), so weighted selectors, groups
 *       and {@code state=inactive} work as with the registries.
 *   <li>It watches the EndpointSlices, the Service and the Service's Pods and lists the three
 *       again on every event (a burst of events gives one listing). When a watch breaks or the API
 *       server does not answer, it lists and watches again after core's jittered {@link Backoff}
 *       (1 s doubling to 30 s), keeping the last nodes meanwhile; {@link #lastError()} says why.
 *       The client's own watch reconnection and request retries are switched off for this, so that
 *       every reconnection lists again rather than resuming a watch that may have missed events.
 * </ul>
 *
 * <p>The first listing is done before {@link #create} (or {@link Builder#build()}) returns, so an
 * XClient created next sees the nodes at once. A Kubernetes Service is not an rpcx service: {@link
 * #clone(String)} follows the same Kubernetes Service for any rpcx service, sharing the API client.
 * Thread-safe; watchers are called on the discovery's own thread.
 */
public final class KubernetesDiscovery extends AbstractServiceDiscovery {
  /** The prefix of the annotations read as rpcx metadata. */
  public static final String ANNOTATION_PREFIX = "rpcx.io/";

  private static final Logger log = LoggerFactory.getLogger(KubernetesDiscovery.class);
  private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final SharedClient<KubernetesClient> client;
  private final Builder settings;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean relistQueued = new AtomicBoolean();
  private final Backoff backoff = Backoff.registry();

  // On the executor only, except generation, which watch callbacks read.
  private final List<Watch> watches = new ArrayList<>();
  private volatile long generation;
  private Map<String, String> watchedSelector; // the pod selector the pod watch uses
  private boolean reconnectScheduled;
  private boolean failing;

  private KubernetesDiscovery(SharedClient<KubernetesClient> client, Builder settings) {
    this.client = client;
    this.settings = settings;
    this.executor =
        Daemons.singleThread("jrpcx-k8s-discovery-" + settings.namespace + "/" + settings.service);
    try {
      executor
          .submit(this::connect)
          .get(settings.requestTimeout.toMillis() * 3, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("first listing of {} did not finish", this, e);
    }
  }

  /**
   * A discovery of the Service {@code service} in {@code namespace}, on its port {@code port} (a
   * port name, a number, or null for a Service with one port), with the client configured as
   * fabric8 finds it: in-cluster service account, {@code ~/.kube/config}, or the {@code
   * kubernetes.*} system properties.
   */
  public static KubernetesDiscovery create(String namespace, String service, String port) {
    Builder b = builder().namespace(namespace).service(service);
    if (port != null) {
      b.port(port);
    }
    return b.build();
  }

  /** Settings beyond {@link #create}'s: the API server, the network, timeouts. */
  public static Builder builder() {
    return new Builder();
  }

  /** The namespace of the Service followed. */
  public String namespace() {
    return settings.namespace;
  }

  /** The name of the Service followed. */
  public String service() {
    return settings.service;
  }

  /**
   * A discovery of the same Kubernetes Service, port and settings, for any rpcx service (a
   * Kubernetes Service is not an rpcx service, so every rpcx service is found at the same nodes),
   * with no filter, sharing this discovery's API client; the client is closed with the last of
   * them.
   *
   * @throws IllegalStateException if this discovery is closed
   */
  @Override
  public KubernetesDiscovery clone(String servicePath) {
    Objects.requireNonNull(servicePath, "servicePath");
    if (isClosed()) {
      throw new IllegalStateException(this + " is closed");
    }
    return new KubernetesDiscovery(client.retain(), settings);
  }

  @Override
  protected void doClose() {
    executor.shutdownNow();
    generation++;
    // Closed here too: the executor may have been stopped before it could close them.
    synchronized (watches) {
      watches.forEach(KubernetesDiscovery::closeQuietly);
      watches.clear();
    }
    client.release();
  }

  @Override
  public String toString() {
    return "KubernetesDiscovery{"
        + settings.namespace
        + "/"
        + settings.service
        + (settings.port == null ? "" : ":" + settings.port)
        + "}"
        + services();
  }

  /** Lists, watches, lists again (what changed before the watches started); on the executor. */
  private void connect() {
    reconnectScheduled = false;
    stopWatching();
    if (isClosed()) {
      return;
    }
    try {
      Listing first = list();
      long gen = generation;
      KubernetesClient c = client.get();
      String ns = settings.namespace;
      addWatch(
          c.discovery()
              .v1()
              .endpointSlices()
              .inNamespace(ns)
              .withLabel(SERVICE_NAME_LABEL, settings.service)
              .watch(new Relister<>(gen)));
      addWatch(c.services().inNamespace(ns).withName(settings.service).watch(new Relister<>(gen)));
      watchedSelector = first.selector;
      if (!first.selector.isEmpty()) {
        addWatch(c.pods().inNamespace(ns).withLabels(first.selector).watch(new Relister<>(gen)));
      }
      relist();
      backoff.reset();
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  private void addWatch(Watch w) {
    synchronized (watches) {
      watches.add(w);
    }
    if (isClosed()) {
      stopWatching();
    }
  }

  /** Lists and publishes; reconnects when the Service's pod selector changed. */
  private void relist() {
    Listing l = list();
    if (failing) {
      failing = false;
      log.info("{}: the API server answers again", this);
    }
    publish(l.nodes);
    if (watchedSelector != null && !watchedSelector.equals(l.selector)) {
      // The pod watch follows the old selector: start the watches again, at once.
      connect();
    }
  }

  /** What one listing found. */
  private record Listing(List<KVPair> nodes, Map<String, String> selector) {}

  private Listing list() {
    KubernetesClient c = client.get();
    String ns = settings.namespace;
    Service service = c.services().inNamespace(ns).withName(settings.service).get();
    Map<String, String> selector = Map.of();
    Map<String, String> serviceMeta = new TreeMap<>();
    if (service != null) {
      if (service.getSpec() != null && service.getSpec().getSelector() != null) {
        selector = Map.copyOf(service.getSpec().getSelector());
      }
      rpcxAnnotations(service.getMetadata().getAnnotations(), serviceMeta);
    }
    Map<String, Map<String, String>> podMeta = new TreeMap<>();
    if (!selector.isEmpty()) {
      for (Pod p : c.pods().inNamespace(ns).withLabels(selector).list().getItems()) {
        Map<String, String> m = new TreeMap<>();
        rpcxAnnotations(p.getMetadata().getAnnotations(), m);
        podMeta.put(p.getMetadata().getName(), m);
      }
    }
    List<EndpointSlice> slices =
        c.discovery()
            .v1()
            .endpointSlices()
            .inNamespace(ns)
            .withLabel(SERVICE_NAME_LABEL, settings.service)
            .list()
            .getItems();
    Map<String, String> nodes = new TreeMap<>();
    for (EndpointSlice slice : slices) {
      Integer port = port(slice);
      if (port == null || slice.getEndpoints() == null) {
        continue;
      }
      boolean ipv6 = "IPv6".equals(slice.getAddressType());
      for (Endpoint e : slice.getEndpoints()) {
        if (!listed(e.getConditions()) || e.getAddresses() == null) {
          continue;
        }
        Map<String, String> meta = new TreeMap<>(serviceMeta);
        ObjectReference ref = e.getTargetRef();
        if (ref != null && "Pod".equals(ref.getKind()) && podMeta.containsKey(ref.getName())) {
          meta.putAll(podMeta.get(ref.getName()));
        }
        String value = GoQuery.encodeSingle(meta);
        for (String address : e.getAddresses()) {
          String host = ipv6 ? "[" + address + "]" : address;
          nodes.putIfAbsent(settings.network + "@" + host + ":" + port, value);
        }
      }
    }
    List<KVPair> list = new ArrayList<>();
    nodes.forEach((k, v) -> list.add(new KVPair(k, v)));
    return new Listing(list, selector);
  }

  /** Kubernetes: a null {@code ready} means ready; a null {@code terminating} means not. */
  static boolean listed(EndpointConditions c) {
    return c == null
        || (!Boolean.FALSE.equals(c.getReady()) && !Boolean.TRUE.equals(c.getTerminating()));
  }

  private Integer port(EndpointSlice slice) {
    List<EndpointPort> ports = slice.getPorts() == null ? List.of() : slice.getPorts();
    if (settings.port == null) {
      return ports.size() == 1 ? ports.get(0).getPort() : null;
    }
    for (EndpointPort p : ports) {
      if (settings.port.equals(p.getName())
          || (p.getPort() != null && settings.port.equals(String.valueOf(p.getPort())))) {
        return p.getPort();
      }
    }
    return null;
  }

  private static void rpcxAnnotations(Map<String, String> annotations, Map<String, String> into) {
    if (annotations == null) {
      return;
    }
    annotations.forEach(
        (k, v) -> {
          if (k.startsWith(ANNOTATION_PREFIX) && k.length() > ANNOTATION_PREFIX.length()) {
            into.put(k.substring(ANNOTATION_PREFIX.length()), v == null ? "" : v);
          }
        });
  }

  /**
   * Watch events from the client's threads: one listing per burst, on the executor. (Named in
   * full: the inherited ServiceDiscovery.Watcher shadows the simple name.)
   */
  private final class Relister<T> implements io.fabric8.kubernetes.client.Watcher<T> {
    private final long gen;

    Relister(long gen) {
      this.gen = gen;
    }

    @Override
    public void eventReceived(Action action, T resource) {
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
              relist();
            } catch (RuntimeException e) {
              failed(e);
            }
          });
    }

    @Override
    public void onClose(WatcherException cause) {
      execute(
          () -> {
            if (gen == generation && !isClosed()) {
              failed(cause);
            }
          });
    }

    @Override
    public void onClose() {
      execute(
          () -> {
            if (gen == generation && !isClosed()) {
              failed(new IllegalStateException("watch closed by the API server"));
            }
          });
    }
  }

  /** Keeps the nodes, drops the watches and connects again after the back-off. */
  private void failed(Throwable cause) {
    readFailed(cause);
    stopWatching();
    if (reconnectScheduled || isClosed()) {
      return;
    }
    reconnectScheduled = true;
    Duration delay = backoff.next();
    // Once per outage at WARN: retries every few seconds would flood the log.
    if (!failing) {
      failing = true;
      log.warn(
          "{}: {}; keeping the {} nodes, listing again in {} ms (and on, backing off to {} s)",
          this,
          cause.toString(),
          unfilteredServices().size(),
          delay.toMillis(),
          Backoff.MAX.toSeconds());
    } else {
      log.debug("{}: {}; listing again in {} ms", this, cause.toString(), delay.toMillis());
    }
    try {
      executor.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private void stopWatching() {
    generation++;
    List<Watch> old;
    synchronized (watches) {
      old = new ArrayList<>(watches);
      watches.clear();
    }
    old.forEach(KubernetesDiscovery::closeQuietly);
  }

  private static void closeQuietly(Watch w) {
    try {
      w.close();
    } catch (RuntimeException e) {
      log.debug("closing a watch failed", e);
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
   * Settings of a {@link KubernetesDiscovery}: the namespace and Service are required. Each setter
   * checks its value; {@link #build()} makes the discovery, whose settings are then fixed.
   */
  public static final class Builder {
    private String namespace;
    private String service;
    private String port;
    private String network = "tcp";
    private Config config;
    private Duration requestTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * The settings a registry address carries, as {@link io.jrpcx.registry.Registries} and {@code
     * jrpcx --registry} take it: {@code k8s://namespace/service[:port]}, with {@code ?server=URL}
     * for an API server reached without credentials ({@link #masterUrl}). The other settings keep
     * their values.
     *
     * @throws IllegalArgumentException when {@code url} is not such an address
     */
    public Builder address(String url) {
      RegistryAddress a = RegistryAddress.parse(url).requireScheme("k8s", "kubernetes");
      String path = a.path().startsWith("/") ? a.path().substring(1) : a.path();
      if (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      if (a.hosts().size() != 1
          || a.userInfo() != null
          || path.isEmpty()
          || path.contains("/")
          || path.startsWith(":")
          || path.endsWith(":")) {
        throw new IllegalArgumentException(
            "registry address '" + url + "': expected k8s://namespace/service[:port]");
      }
      String server = null;
      for (String pair : a.query().split("&")) {
        if (pair.startsWith("server=")) {
          server = URLDecoder.decode(pair.substring("server=".length()), StandardCharsets.UTF_8);
        } else if (!pair.isEmpty()) {
          throw new IllegalArgumentException(
              "registry address '"
                  + url
                  + "': unknown option '"
                  + pair
                  + "'; the one option is server=URL");
        }
      }
      namespace(a.hosts().get(0));
      int colon = path.indexOf(':');
      service(colon < 0 ? path : path.substring(0, colon));
      this.port = colon < 0 ? null : name(path.substring(colon + 1), "port");
      if (server != null) {
        masterUrl(server);
      }
      return this;
    }

    /** The Service's namespace. Required. */
    public Builder namespace(String namespace) {
      this.namespace = name(namespace, "namespace");
      return this;
    }

    /** The Service's name. Required. */
    public Builder service(String service) {
      this.service = name(service, "service");
      return this;
    }

    /**
     * The port: the name of a Service port ({@code rpcx}), or the pods' port number ({@code
     * 8972}). Without one the Service must have a single port.
     */
    public Builder port(String port) {
      this.port = name(port, "port");
      return this;
    }

    /** The network of the node keys: {@code tcp} by default. */
    public Builder network(String network) {
      Objects.requireNonNull(network, "network");
      if (network.isEmpty() || network.contains("@")) {
        throw new IllegalArgumentException("network '" + network + "'");
      }
      this.network = network;
      return this;
    }

    /**
     * An API server reached without credentials, e.g. {@code kubectl proxy}'s {@code
     * http://127.0.0.1:8001}; for credentials or TLS give a {@link #config}.
     */
    public Builder masterUrl(String masterUrl) {
      Objects.requireNonNull(masterUrl, "masterUrl");
      this.config = new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl).build();
      return this;
    }

    /**
     * The fabric8 client configuration: API server, credentials, TLS. Found automatically by
     * default (in-cluster service account, {@code ~/.kube/config}, {@code kubernetes.*} system
     * properties). The discovery owns the client it makes from it.
     */
    public Builder config(Config config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** How long one API request may take; 10 s by default. */
    public Builder requestTimeout(Duration requestTimeout) {
      if (Objects.requireNonNull(requestTimeout, "requestTimeout").isNegative()
          || requestTimeout.isZero()
          || requestTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("requestTimeout " + requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Makes the discovery and lists the Service once before returning (or fails to, within a few
     * request timeouts, and keeps trying).
     *
     * @throws IllegalStateException without a namespace or a Service
     */
    public KubernetesDiscovery build() {
      if (namespace == null || service == null) {
        throw new IllegalStateException("namespace and service are required");
      }
      Config base = config != null ? config : Config.autoConfigure(null);
      int timeout = (int) requestTimeout.toMillis();
      Config own =
          new ConfigBuilder(base)
              // Reconnection is the discovery's: a watch resumed by the client would not list
              // again, and a request retried inside the client would hide an outage.
              .withWatchReconnectLimit(0)
              .withRequestRetryBackoffLimit(0)
              .withRequestTimeout(timeout)
              .withConnectionTimeout(timeout)
              .build();
      Builder copy = new Builder();
      copy.namespace = namespace;
      copy.service = service;
      copy.port = port;
      copy.network = network;
      copy.requestTimeout = requestTimeout;
      KubernetesClient c = new KubernetesClientBuilder().withConfig(own).build();
      return new KubernetesDiscovery(SharedClient.owned(c, KubernetesClient::close), copy);
    }

    private static String name(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " is empty");
      }
      return value;
    }
  }
}
