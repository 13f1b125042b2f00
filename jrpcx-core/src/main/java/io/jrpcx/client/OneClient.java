package io.jrpcx.client;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.client.selector.Selector;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client for every service, rpcx's {@code OneClient}: each method names the service path, and
 * an {@link XClient} per service is made on first use, following
 * {@code discovery.clone(servicePath)}. Selection, fail mode and options are shared by all.
 *
 * <pre>{@code
 * try (OneClient one = OneClient.create(FailMode.FAILOVER, SelectMode.RANDOM_SELECT,
 *     new Peer2PeerDiscovery("tcp@127.0.0.1:8972", ""), ClientOptions.DEFAULT)) {
 *   Reply r = one.call(ctx, "Arith", "Mul", new Args(10, 20), Reply.class);
 * }
 * }</pre>
 *
 * <p>Thread-safe. The template discovery stays the caller's; the per-service clones are closed
 * with this client.
 */
public final class OneClient implements AutoCloseable {
  private final FailMode failMode;
  private final SelectMode selectMode;
  private final ServiceDiscovery template;
  private final ClientOptions options;
  private final Map<String, Service> services = new ConcurrentHashMap<>();
  private volatile String authToken;
  private volatile List<ClientPlugin> plugins;
  private volatile double[] geo;
  private volatile boolean closed;

  private OneClient(
      FailMode failMode, SelectMode selectMode, ServiceDiscovery template, ClientOptions options) {
    this.failMode = failMode;
    this.selectMode = selectMode;
    this.template = template;
    this.options = options;
  }

  /** A OneClient whose XClients use {@code discovery.clone(servicePath)} for their nodes. */
  public static OneClient create(
      FailMode failMode, SelectMode selectMode, ServiceDiscovery discovery, ClientOptions options) {
    return new OneClient(
        Objects.requireNonNull(failMode, "failMode"),
        Objects.requireNonNull(selectMode, "selectMode"),
        Objects.requireNonNull(discovery, "discovery"),
        Objects.requireNonNull(options, "options"));
  }

  /** The XClient for {@code servicePath}, made on first use; do not close it yourself. */
  public XClient xclient(String servicePath) {
    Objects.requireNonNull(servicePath, "servicePath");
    if (closed) {
      throw new IllegalStateException("OneClient is closed");
    }
    Service s = services.computeIfAbsent(servicePath, this::open);
    if (closed) {
      close(); // raced with close(): make sure this late XClient does not outlive us
      throw new IllegalStateException("OneClient is closed");
    }
    return s.client;
  }

  private Service open(String servicePath) {
    ServiceDiscovery d = template.clone(servicePath);
    XClient x;
    try {
      x = XClient.create(servicePath, failMode, selectMode, d, options);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    String token = authToken;
    if (token != null) {
      x.auth(token);
    }
    List<ClientPlugin> p = plugins;
    if (p != null) {
      x.setPlugins(p);
    }
    double[] g = geo;
    if (g != null) {
      x.configGeoSelector(g[0], g[1]);
    }
    return new Service(x, d);
  }

  /** {@link XClient#call} on {@code servicePath}. */
  public <T> T call(
      Context ctx, String servicePath, String serviceMethod, Object args, Class<T> replyType) {
    return xclient(servicePath).call(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#call} on {@code servicePath}, for a reply type with type
   * arguments: a {@link io.jrpcx.TypeRef} or any {@link Type}.
   */
  public <T> T call(
      Context ctx, String servicePath, String serviceMethod, Object args, Type replyType) {
    return xclient(servicePath).call(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#callAsync} on {@code servicePath}, for a reply type with type
   * arguments: a {@link io.jrpcx.TypeRef} or any {@link Type}.
   */
  public <T> CompletableFuture<T> callAsync(
      Context ctx, String servicePath, String serviceMethod, Object args, Type replyType) {
    return xclient(servicePath).callAsync(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#go} on {@code servicePath}, for a reply type with type
   * arguments: a {@link io.jrpcx.TypeRef} or any {@link Type}.
   */
  public <T> Call<T> go(
      Context ctx, String servicePath, String serviceMethod, Object args, Type replyType) {
    return xclient(servicePath).go(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#broadcast} on {@code servicePath}, for a reply type with type
   * arguments: a {@link io.jrpcx.TypeRef} or any {@link Type}.
   */
  public <T> T broadcast(
      Context ctx, String servicePath, String serviceMethod, Object args, Type replyType) {
    return xclient(servicePath).broadcast(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#fork} on {@code servicePath}, for a reply type with type
   * arguments: a {@link io.jrpcx.TypeRef} or any {@link Type}.
   */
  public <T> T fork(
      Context ctx, String servicePath, String serviceMethod, Object args, Type replyType) {
    return xclient(servicePath).fork(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#inform} on {@code servicePath}, for a reply type with type
   * arguments: a {@link io.jrpcx.TypeRef} or any {@link Type}.
   */
  public <T> List<Receipt<T>> inform(
      Context ctx, String servicePath, String serviceMethod, Object args, Type replyType) {
    return xclient(servicePath).inform(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#callAsync} on {@code servicePath}. */
  public <T> CompletableFuture<T> callAsync(
      Context ctx, String servicePath, String serviceMethod, Object args, Class<T> replyType) {
    return xclient(servicePath).callAsync(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#go} on {@code servicePath}. */
  public <T> Call<T> go(
      Context ctx, String servicePath, String serviceMethod, Object args, Class<T> replyType) {
    return xclient(servicePath).go(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#oneshot} on {@code servicePath}. */
  public void oneshot(Context ctx, String servicePath, String serviceMethod, Object args) {
    xclient(servicePath).oneshot(ctx, serviceMethod, args);
  }

  /**
   * {@link XClient#broadcast} on {@code servicePath}. */
  public <T> T broadcast(
      Context ctx, String servicePath, String serviceMethod, Object args, Class<T> replyType) {
    return xclient(servicePath).broadcast(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#fork} on {@code servicePath}. */
  public <T> T fork(
      Context ctx, String servicePath, String serviceMethod, Object args, Class<T> replyType) {
    return xclient(servicePath).fork(ctx, serviceMethod, args, replyType);
  }

  /**
   * {@link XClient#inform} on {@code servicePath}. */
  public <T> List<Receipt<T>> inform(
      Context ctx, String servicePath, String serviceMethod, Object args, Class<T> replyType) {
    return xclient(servicePath).inform(ctx, serviceMethod, args, replyType);
  }

  /** A typed stub of {@code servicePath}; see {@link XClient#proxy}. */
  public <I> I proxy(String servicePath, Class<I> api) {
    return xclient(servicePath).proxy(api);
  }

  /** Sends {@code token} as {@code __AUTH} from every service's client. */
  public void auth(String token) {
    authToken = token;
    services.values().forEach(s -> s.client.auth(token));
  }

  /** Replaces the plugins of every service's client. */
  public void setPlugins(List<ClientPlugin> plugins) {
    List<ClientPlugin> copy = List.copyOf(plugins);
    this.plugins = copy;
    services.values().forEach(s -> s.client.setPlugins(copy));
  }

  /** Installs a selector for one service; see {@link XClient#setSelector}. */
  public void setSelector(String servicePath, Selector selector) {
    xclient(servicePath).setSelector(selector);
  }

  /** Installs the geographic selector on every service's client. */
  public void configGeoSelector(double latitude, double longitude) {
    geo = new double[] {latitude, longitude};
    services.values().forEach(s -> s.client.configGeoSelector(latitude, longitude));
  }

  /** Closes every service's client and discovery clone. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (String path : services.keySet()) {
      Service s = services.remove(path);
      if (s != null) {
        s.client.close();
        s.discovery.close();
      }
    }
  }

  private static final class Service {
    final XClient client;
    final ServiceDiscovery discovery;

    Service(XClient client, ServiceDiscovery discovery) {
      this.client = client;
      this.discovery = discovery;
    }
  }
}
