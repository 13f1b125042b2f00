package io.jrpcx.client;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.MultiNodeException;
import io.jrpcx.RpcException;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.NodeFilters;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.client.selector.SelectFunction;
import io.jrpcx.client.selector.Selector;
import io.jrpcx.client.selector.Selectors;
import io.jrpcx.protocol.Message;
import io.jrpcx.transfer.ByteStream;
import io.jrpcx.transfer.FileTransfer;
import io.jrpcx.transfer.SideChannels;
import io.jrpcx.transfer.StreamService;
import io.jrpcx.transfer.TransferProgress;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of one service across all its nodes, rpcx's {@code XClient}: nodes come from a
 * {@link ServiceDiscovery}, each call goes to the node a {@link SelectMode selector} picks, and a
 * {@link FailMode} decides what happens when the transport fails.
 *
 * <pre>{@code
 * XClient arith = XClient.create("Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN,
 *     new MultipleServersDiscovery(List.of(new KVPair("tcp@10.0.0.1:8972", ""),
 *         new KVPair("tcp@10.0.0.2:8972", ""))),
 *     ClientOptions.DEFAULT);
 * Reply r = arith.call(Context.background().withTimeout(Duration.ofSeconds(1)),
 *     "Mul", new Args(10, 20), Reply.class);
 * arith.close();
 * }</pre>
 *
 * <p><b>Nodes.</b> The list is filtered as rpcx does: nodes whose metadata says
 * {@code state=inactive} are skipped, and with {@link ClientOptions#group()} set only nodes of that
 * group are called. Every change discovery reports reaches the selector at once. Nodes that leave
 * the list get no new calls; their calls in flight still receive their answers.
 *
 * <p><b>Connections.</b> One connection per node ({@link ClientOptions#connectionsPerNode()} to
 * keep more, taken in turn), made on first use and made again, lazily, when it died; concurrent callers share one dial. Each node has its own breaker
 * ({@link ClientOptions#breakerFactory()}), which outlives the node's connections.
 *
 * <p><b>Calls.</b> {@link #call} and {@link #callAsync} apply the fail mode; {@link #go} sends one
 * attempt to one node; {@link #oneshot} sends without waiting for an answer; {@link #broadcast},
 * {@link #fork} and {@link #inform} call every node. With {@link #auth} set, every request carries
 * the token as {@code __AUTH}; a context deadline is sent as {@code __ServerTimeout}.
 *
 * <p>Thread-safe, and meant to be shared: make one per service and close it when done. Methods
 * that may have to connect first block while connecting (at most the connect timeout); do not call
 * them on a network thread, such as in a callback of another call's future.
 */
public final class XClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XClient.class);

  /** rpcx bounds fan-out calls without a deadline by one minute. */
  static final Duration FAN_OUT_TIMEOUT = Duration.ofMinutes(1);

  private final String servicePath;
  private final FailMode failMode;
  private final SelectMode selectMode;
  private final ServiceDiscovery discovery;
  private final ClientOptions options;
  private final Predicate<KVPair> nodeFilter;
  private final NodeConnections connections;

  /** The shared event loops: their timers pace retries and backups, no thread of our own. */
  private final SharedEventLoopGroup loops = SharedEventLoopGroup.SOCKETS;

  private final EventLoopGroup timers;

  /** Calls paused between attempts, failed at once by close(). */
  private final java.util.Set<CompletableFuture<?>> waitingToRetry =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final ServiceDiscovery.Watcher watcher = this::onServersChanged;

  private final Object lock = new Object();
  private volatile List<KVPair> servers = List.of();
  private volatile NodeCounts nodeCounts = NodeCounts.NONE;
  private volatile Selector selector;
  private volatile ClientPlugins plugins;
  private volatile SelectFunction select;
  private volatile String authToken;
  private volatile boolean closed;

  private XClient(
      String servicePath,
      FailMode failMode,
      SelectMode selectMode,
      ServiceDiscovery discovery,
      ClientOptions options) {
    this.servicePath = servicePath;
    this.failMode = failMode;
    this.selectMode = selectMode;
    this.discovery = discovery;
    this.options = options;
    this.nodeFilter = NodeFilters.stateAndGroup(options.group());
    this.plugins = new ClientPlugins(options.plugins());
    this.connections = new NodeConnections(options, plugins);
    this.timers = loops.acquire();
  }

  /**
   * Makes an XClient for {@code servicePath}, reads the nodes from {@code discovery} and follows
   * its changes. {@link SelectMode#CLOSEST} needs {@link #configGeoSelector} and
   * {@link SelectMode#SELECT_BY_USER} needs {@link #setSelector} before the first call. The
   * discovery stays the caller's: closing the XClient only stops watching it.
   */
  public static XClient create(
      String servicePath,
      FailMode failMode,
      SelectMode selectMode,
      ServiceDiscovery discovery,
      ClientOptions options) {
    Objects.requireNonNull(servicePath, "servicePath");
    Objects.requireNonNull(failMode, "failMode");
    Objects.requireNonNull(selectMode, "selectMode");
    Objects.requireNonNull(discovery, "discovery");
    Objects.requireNonNull(options, "options");
    XClient x = new XClient(servicePath, failMode, selectMode, discovery, options);
    try {
      x.selector = builtInSelector(selectMode);
      x.select = x.plugins.wrapSelect(x::selectWithSelector);
      // Watch first, then read: an update between the two is then never lost, and reading under
      // the lock keeps a concurrent delivery from being overwritten by this older read.
      discovery.watch(x.watcher);
      synchronized (x.lock) {
        x.onServersChanged(discovery.services());
      }
    } catch (RuntimeException | Error e) {
      x.close(); // gives back the shared event loops it holds
      throw e;
    }
    return x;
  }

  private static Selector builtInSelector(SelectMode mode) {
    switch (mode) {
      case RANDOM_SELECT:
        return Selectors.random();
      case ROUND_ROBIN:
        return Selectors.roundRobin();
      case WEIGHTED_ROUND_ROBIN:
        return Selectors.weightedRoundRobin();
      case WEIGHTED_ICMP:
        return Selectors.weightedLatency(Duration.ofSeconds(30));
      case CONSISTENT_HASH:
        return Selectors.consistentHash();
      default:
        return null; // CLOSEST and SELECT_BY_USER are configured by the caller
    }
  }

  public String servicePath() {
    return servicePath;
  }

  public FailMode failMode() {
    return failMode;
  }

  public SelectMode selectMode() {
    return selectMode;
  }

  public ClientOptions options() {
    return options;
  }

  /** The nodes calls may go to now: discovery's list after state and group filtering. */
  public List<KVPair> servers() {
    return servers;
  }

  /**
   * Calls {@code serviceMethod} with the fail mode and waits for the reply, at most until the
   * context's deadline.
   *
   * @throws io.jrpcx.ServiceException the service answered with an error (never retried)
   * @throws DeadlineExceededException the deadline passed
   * @throws ConnectionException every attempt failed in transport, or no node is available
   */
  public <T> T call(Context ctx, String serviceMethod, Object args, Class<T> replyType) {
    return call(ctx, serviceMethod, args, (Type) replyType);
  }

  /**
   * {@link #call(Context, String, Object, Class)} for a reply type with type arguments: a {@link
   * io.jrpcx.TypeRef}, e.g. {@code new TypeRef<List<Item>>() {}}, or any {@link Type}.
   */
  public <T> T call(Context ctx, String serviceMethod, Object args, Type replyType) {
    Objects.requireNonNull(replyType, "replyType; use oneshot for oneway calls");
    // The default deadline bounds the wait here and each attempt in its Client, and is not sent.
    return await(
        this.<T>callAsync(ctx, serviceMethod, args, replyType),
        withCallTimeout(Objects.requireNonNull(ctx, "ctx")),
        serviceMethod);
  }

  /**
   * {@link #call} without waiting: the future completes with the reply or fails with the
   * {@link RpcException} {@code call} would throw. Cancelling it abandons the call.
   */
  public <T> CompletableFuture<T> callAsync(
      Context ctx, String serviceMethod, Object args, Class<T> replyType) {
    return callAsync(ctx, serviceMethod, args, (Type) replyType);
  }

  /** {@link #callAsync(Context, String, Object, Class)} for generic reply types. */
  public <T> CompletableFuture<T> callAsync(
      Context ctx, String serviceMethod, Object args, Type replyType) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(serviceMethod, "serviceMethod");
    Objects.requireNonNull(replyType, "replyType; use oneshot for oneway calls");
    FailModeCall<T> call = new FailModeCall<>(this, withAuth(ctx), serviceMethod, args, replyType);
    call.start();
    return call.result();
  }

  /**
   * Sends one attempt to one selected node, rpcx's {@code Go}: no fail mode applies. The returned
   * call fails when no node is available or the node cannot be reached.
   */
  public <T> Call<T> go(Context ctx, String serviceMethod, Object args, Class<T> replyType) {
    return go(ctx, serviceMethod, args, (Type) replyType);
  }

  /** {@link #go(Context, String, Object, Class)} for generic reply types. */
  public <T> Call<T> go(Context ctx, String serviceMethod, Object args, Type replyType) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(serviceMethod, "serviceMethod");
    Context c = withAuth(ctx);
    String key;
    try {
      key = selectNode(c, serviceMethod, args);
    } catch (RpcException e) {
      Call<T> failed = new Call<>(c, servicePath, serviceMethod, args, replyType);
      failed.fail(e);
      return failed;
    }
    return send(key, c, serviceMethod, args, replyType);
  }

  /**
   * Sends a oneway request to one selected node and returns once it is handed to the
   * connection; the server never answers, and a write failure is not reported.
   *
   * @throws ConnectionException when no node is available or it cannot be reached
   */
  public void oneshot(Context ctx, String serviceMethod, Object args) {
    Objects.requireNonNull(ctx, "ctx");
    Context c = withAuth(ctx);
    String key = selectNode(c, serviceMethod, args);
    Call<Object> call = connections.get(key).go(c, servicePath, serviceMethod, args, (Type) null);
    call.done()
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                log.debug("oneshot {}.{} to {} failed", servicePath, serviceMethod, key, e);
              }
            });
  }

  /**
   * Calls every node at once and returns a reply when all of them answered, rpcx's
   * {@code Broadcast}. Fails as soon as any node fails, with a {@link MultiNodeException}
   * holding each failed node's error; a node that cannot be reached counts as failed. Without a
   * deadline in the context the call is bounded by one minute, as in rpcx.
   */
  public <T> T broadcast(Context ctx, String serviceMethod, Object args, Class<T> replyType) {
    return broadcast(ctx, serviceMethod, args, (Type) replyType);
  }

  /**
   * {@link #broadcast(Context, String, Object, Class)} for a reply type with type arguments: a {@link
   * io.jrpcx.TypeRef}, e.g. {@code new TypeRef<List<Item>>() {}}, or any {@link Type}.
   */
  public <T> T broadcast(Context ctx, String serviceMethod, Object args, Type replyType) {
    Context c = fanOutContext(ctx);
    return await(
        new FanOut<T>(this, c, serviceMethod, args, replyType).broadcast(), c, serviceMethod);
  }

  /**
   * Calls every node at once and returns the first reply, rpcx's {@code Fork}; fails with a
   * {@link MultiNodeException} only when every node failed. Bounded as {@link #broadcast} is.
   */
  public <T> T fork(Context ctx, String serviceMethod, Object args, Class<T> replyType) {
    return fork(ctx, serviceMethod, args, (Type) replyType);
  }

  /**
   * {@link #fork(Context, String, Object, Class)} for a reply type with type arguments: a {@link
   * io.jrpcx.TypeRef}, e.g. {@code new TypeRef<List<Item>>() {}}, or any {@link Type}.
   */
  public <T> T fork(Context ctx, String serviceMethod, Object args, Type replyType) {
    Context c = fanOutContext(ctx);
    return await(new FanOut<T>(this, c, serviceMethod, args, replyType).fork(), c, serviceMethod);
  }

  /**
   * Calls every node at once and waits for all of them, rpcx's {@code Inform}: one receipt per
   * node, each with that node's own reply or error. Bounded as {@link #broadcast} is.
   *
   * @throws ConnectionException when there is no node at all
   */
  public <T> List<Receipt<T>> inform(
      Context ctx, String serviceMethod, Object args, Class<T> replyType) {
    return inform(ctx, serviceMethod, args, (Type) replyType);
  }

  /**
   * {@link #inform(Context, String, Object, Class)} for a reply type with type arguments: a {@link
   * io.jrpcx.TypeRef} or any {@link Type}.
   */
  public <T> List<Receipt<T>> inform(
      Context ctx, String serviceMethod, Object args, Type replyType) {
    Context c = fanOutContext(ctx);
    return await(new FanOut<T>(this, c, serviceMethod, args, replyType).inform(), c, serviceMethod);
  }

  /**
   * Sends {@code token} as {@code __AUTH} with every request from now on; the server's
   * authenticator checks it. Null stops sending it.
   */
  public void auth(String token) {
    this.authToken = token;
  }

  /** Replaces the plugins; the hooks of calls already sent are not changed. */
  public void setPlugins(List<ClientPlugin> plugins) {
    ClientPlugins p = new ClientPlugins(plugins);
    synchronized (lock) {
      this.plugins = p;
      this.select = p.wrapSelect(this::selectWithSelector);
      connections.usePlugins(p);
    }
  }

  /** The plugins in use. */
  public List<ClientPlugin> plugins() {
    return plugins.all();
  }

  /**
   * Installs a selector, rpcx's {@code SetSelector}; it is given the current node list at once.
   * Required for {@link SelectMode#SELECT_BY_USER}; replaces the built-in selector otherwise. The
   * XClient closes the selector when it is replaced or the XClient closes.
   */
  public void setSelector(Selector selector) {
    Objects.requireNonNull(selector, "selector");
    Selector old;
    synchronized (lock) {
      selector.updateServer(servers);
      old = this.selector;
      this.selector = selector;
    }
    if (old != null && old != selector) {
      old.close();
    }
  }

  /**
   * Installs the geographic selector for this client's position, rpcx's
   * {@code ConfigGeoSelector}: calls go to the node nearest by its {@code latitude} and
   * {@code longitude} metadata. Required for {@link SelectMode#CLOSEST}.
   */
  public void configGeoSelector(double latitude, double longitude) {
    setSelector(Selectors.closest(latitude, longitude));
  }

  /**
   * A typed stub of this service: each interface method calls the service method of the same
   * name with the first letter upper-cased ({@code mul} calls {@code Mul}), or the name given by
   * {@link io.jrpcx.RpcName}. A method may take the arguments object, a {@link Context}
   * and the arguments object, or nothing; it may return the reply type (a synchronous
   * {@link #call}), a {@code CompletableFuture} or {@code CompletionStage} of it
   * ({@link #callAsync}), or {@code void} (the reply is discarded).
   *
   * <p>A synchronous method that declares exceptions annotated with {@link io.jrpcx.RpcError}
   * throws the one whose code the service's error carries (with the {@link
   * io.jrpcx.ServiceException} as its cause), built with its public constructor {@code (String
   * message, Map<String, String> details)} or else {@code (String message)}; an error with another
   * code or none is thrown as the plain {@code ServiceException}.
   *
   * @throws IllegalArgumentException when {@code api} is not an interface, a method does not fit,
   *     a declared {@code RpcError} exception has no such constructor, or a method's arguments or
   *     reply cannot be encoded or decoded by the client's codec ({@link
   *     io.jrpcx.codec.Codec#checkEncodable}, {@link io.jrpcx.codec.Codec#checkDecodable})
   */
  public <I> I proxy(Class<I> api) {
    XClientProxy handler = XClientProxy.of(this, api);
    return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, handler));
  }

  // ---- file transfer and streams over rpcx's side channel: see io.jrpcx.transfer ----

  /**
   * Uploads {@code file} with {@code TransferFile} on this XClient's service (the server's
   * file-transfer service, {@value FileTransfer#DEFAULT_SERVICE_NAME} by default) on a node the
   * fail mode chooses, Go's {@code SendFile}: gets a token, then streams the file over the side
   * channel without holding it in memory. The context's deadline bounds the call and the whole
   * transfer.
   *
   * @param bytesPerSecond the most bytes sent per second, 0 for no limit
   * @param meta sent with the call to the server's upload handler; may be null
   * @return the bytes sent, once the server has taken them
   * @throws IOException reading {@code file} failed
   * @throws io.jrpcx.ServiceException the server refused the upload (too large, say)
   * @throws io.jrpcx.ConnectionException the side channel failed or the server could not store
   *     the file
   * @throws io.jrpcx.DeadlineExceededException the deadline passed
   */
  public long sendFile(Context ctx, Path file, long bytesPerSecond, Map<String, String> meta)
      throws IOException {
    return sendFile(ctx, file, bytesPerSecond, meta, null);
  }

  /** {@link #sendFile(Context, Path, long, Map)}, telling {@code progress} of each chunk sent. */
  public long sendFile(
      Context ctx,
      Path file,
      long bytesPerSecond,
      Map<String, String> meta,
      TransferProgress progress)
      throws IOException {
    return SideChannels.sendFile(
        (c, m, a, t) -> call(c, m, a, t), options.tls(), ctx, file, bytesPerSecond, meta, progress);
  }

  /**
   * Downloads {@code fileName} with {@code DownloadFile} on this XClient's service (the server's
   * file-transfer service, {@value FileTransfer#DEFAULT_SERVICE_NAME} by default) on a node the
   * fail mode chooses, Go's {@code DownloadFile}, writing it to {@code sink} as it arrives (the
   * sink is not closed). A name the server refuses (a missing file, say) is an error of the call,
   * where Go's client sees an empty file.
   *
   * @return the bytes written to {@code sink}
   * @throws IOException writing to {@code sink} failed
   * @throws io.jrpcx.ServiceException the server refused the download
   * @throws io.jrpcx.ConnectionException the side channel failed
   * @throws io.jrpcx.DeadlineExceededException the deadline passed
   */
  public long downloadFile(
      Context ctx, String fileName, OutputStream sink, Map<String, String> meta)
      throws IOException {
    return downloadFile(ctx, fileName, sink, meta, null);
  }

  /** {@link #downloadFile(Context, String, OutputStream, Map)} with progress. */
  public long downloadFile(
      Context ctx,
      String fileName,
      OutputStream sink,
      Map<String, String> meta,
      TransferProgress progress)
      throws IOException {
    return SideChannels.downloadFile(
        (c, m, a, t) -> call(c, m, a, t), options.tls(), ctx, fileName, sink, meta, progress);
  }

  /**
   * Opens a raw bidirectional byte stream with {@code Stream} on this XClient's service (the
   * server's stream service, {@value StreamService#DEFAULT_SERVICE_NAME} by default), Go's
   * {@code Stream}.
   * The context's deadline bounds the call and the stream's life; the caller closes the stream.
   *
   * @throws io.jrpcx.ServiceException the server refused the stream
   * @throws io.jrpcx.ConnectionException the side channel could not be opened
   */
  public ByteStream stream(Context ctx, Map<String, String> meta) {
    return SideChannels.stream((c, m, a, t) -> call(c, m, a, t), options.tls(), ctx, meta);
  }

  /**
   * Stops watching discovery, fails calls in flight with "connection is shut down" and closes
   * every connection. Idempotent.
   */
  @Override
  public void close() {
    Selector s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = selector;
    }
    discovery.removeWatcher(watcher);
    connections.close();
    loops.release();
    for (CompletableFuture<?> waiting : waitingToRetry) {
      waiting.completeExceptionally(
          new ConnectionException(
              ConnectionException.SHUT_DOWN
                  + ": XClient for "
                  + servicePath
                  + " closed while the call waited to retry"));
    }
    if (s != null) {
      s.close();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  // ---- internals shared with FailModeCall, FanOut and XClientProxy ----

  NodeConnections connections() {
    return connections;
  }

  /**
   * Runs tasks that may block (a retry that dials); refuses them once this XClient is closed, as
   * its own pool did before it shared the client threads.
   */
  Executor retryExecutor() {
    return task -> {
      if (closed) {
        throw new RejectedExecutionException("XClient for " + servicePath + " is closed");
      }
      loops.blocking().execute(task);
    };
  }

  /** A timer that only hands work over; cancelled timers leave its queue at once. */
  ScheduledExecutorService timer() {
    return timers.next();
  }

  java.util.Set<CompletableFuture<?>> waitingToRetry() {
    return waitingToRetry;
  }

  /**
   * The key of the node for this call.
   *
   * @throws ConnectionException when no node is available
   */
  String selectNode(Context ctx, String serviceMethod, Object args) {
    if (closed) {
      throw new ConnectionException(
          ConnectionException.SHUT_DOWN + ": XClient for " + servicePath + " is closed");
    }
    String key = select.select(ctx, servicePath, serviceMethod, args);
    if (key == null) {
      throw noServer();
    }
    return key;
  }

  /**
   * The error of a call that found no node, saying why: the registry could not be read, it lists
   * no node, or every node it lists is inactive or in another group.
   */
  ConnectionException noServer() {
    String text =
        "can not find any server for "
            + servicePath
            + (options.group().isEmpty() ? "" : " in group " + options.group());
    Throwable registryError = discovery.lastError();
    NodeCounts counts = nodeCounts;
    List<KVPair> usable = servers;
    if (registryError != null && usable.isEmpty()) {
      return new ConnectionException(
          text + ": the registry could not be read: " + registryError, registryError);
    }
    if (!usable.isEmpty()) {
      return new ConnectionException(
          text + ": the selector chose none of " + usable.size() + " node(s)");
    }
    if (counts.listed == 0) {
      return new ConnectionException(text + ": the discovery lists no node");
    }
    StringBuilder why = new StringBuilder(text).append(": all ").append(counts.listed);
    why.append(" listed node(s) are filtered out (");
    if (counts.inactive > 0) {
      why.append(counts.inactive).append(" with state=inactive");
    }
    if (counts.otherGroup > 0) {
      why.append(counts.inactive > 0 ? ", " : "")
          .append(counts.otherGroup)
          .append(" not in group ")
          .append(options.group());
    }
    return new ConnectionException(why.append(')').toString());
  }

  /** How the latest list from discovery was filtered, for {@link #noServer()}. */
  private static final class NodeCounts {
    static final NodeCounts NONE = new NodeCounts(0, 0, 0);

    final int listed;
    final int inactive;
    final int otherGroup;

    NodeCounts(int listed, int inactive, int otherGroup) {
      this.listed = listed;
      this.inactive = inactive;
      this.otherGroup = otherGroup;
    }
  }

  private String selectWithSelector(Context ctx, String path, String method, Object args) {
    Selector s = selector;
    if (s == null) {
      throw new IllegalStateException(
          selectMode == SelectMode.CLOSEST
              ? "SelectMode.CLOSEST needs configGeoSelector(latitude, longitude) before calls"
              : "SelectMode.SELECT_BY_USER needs setSelector(selector) before calls");
    }
    return s.select(ctx, path, method, args);
  }

  private void onServersChanged(List<KVPair> nodes) {
    List<KVPair> filtered = new ArrayList<>(nodes.size());
    int inactive = 0;
    for (KVPair p : nodes) {
      if (nodeFilter.test(p)) {
        filtered.add(p);
      } else if ("inactive".equals(p.metadata("state"))) {
        inactive++;
      }
    }
    List<KVPair> list = List.copyOf(filtered);
    NodeCounts counts =
        new NodeCounts(nodes.size(), inactive, nodes.size() - list.size() - inactive);
    synchronized (lock) {
      if (closed) {
        return;
      }
      nodeCounts = counts;
      servers = list;
      if (selector != null) {
        selector.updateServer(list);
      }
      connections.retain(list);
    }
    log.debug("{}: {} node(s) after filtering: {}", servicePath, list.size(), list);
  }

  private Context withAuth(Context ctx) {
    String token = authToken;
    return token == null ? ctx : ctx.withMetadata(Message.AUTH_KEY, token);
  }

  /** {@code ctx}, with {@link ClientOptions#callTimeout()} as its deadline if it has none. */
  private Context withCallTimeout(Context ctx) {
    Duration timeout = options.callTimeout();
    return ctx.deadline() != null || timeout.isZero() ? ctx : ctx.withTimeout(timeout);
  }

  private Context fanOutContext(Context ctx) {
    Objects.requireNonNull(ctx, "ctx");
    Context c = withAuth(ctx);
    return c.deadline() == null ? c.withTimeout(FAN_OUT_TIMEOUT) : c;
  }

  /**
   * Waits for {@code future}, at most until the context's deadline, and unwraps its error.
   */
  static <T> T await(CompletableFuture<T> future, Context ctx, String serviceMethod) {
    try {
      if (ctx.deadline() == null) {
        return future.get();
      }
      // The calls enforce the deadline themselves; waiting a little longer lets their own,
      // more precise error arrive first. The bound covers a dial that outlives the deadline.
      long nanos = ctx.deadline().remaining(TimeUnit.NANOSECONDS);
      return future.get(
          Math.max(0, nanos) + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RpcException) {
        throw (RpcException) cause;
      }
      throw new RpcException(String.valueOf(cause), cause);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new DeadlineExceededException("call " + serviceMethod + " exceeded its deadline");
    } catch (java.util.concurrent.CancellationException e) {
      throw new RpcException("call " + serviceMethod + " was cancelled", e);
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new RpcException("interrupted waiting for " + serviceMethod, e);
    }
  }

  /** Whether a failed attempt may be repeated: only transport failures are. */
  static boolean isRetryable(Throwable error) {
    return error instanceof ConnectionException;
  }

  /** Sends one attempt to {@code key}; dial failures fail the returned call. */
  <T> Call<T> send(String key, Context ctx, String serviceMethod, Object args, Type replyType) {
    try {
      return connections.get(key).go(ctx, servicePath, serviceMethod, args, replyType);
    } catch (RpcException e) {
      Call<T> failed = new Call<>(ctx, servicePath, serviceMethod, args, replyType);
      failed.fail(e);
      return failed;
    }
  }
}
