package io.jrpcx.server;

import io.jrpcx.RpcName;
import io.jrpcx.TlsConfig;
import io.jrpcx.codec.Codecs;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.internal.MemoryBudget;
import io.jrpcx.protocol.Compressors;
import io.jrpcx.protocol.Message;
import io.jrpcx.transfer.FileTransfer;
import io.jrpcx.transfer.SideChannel;
import io.jrpcx.transfer.SideChannels;
import io.jrpcx.transfer.StreamService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An rpcx server: serves registered services over TCP or a unix socket to Go rpcx and jrpcx
 * clients alike.
 *
 * <pre>{@code
 * Server server = Server.builder().build();
 * server.register("Arith", new Arith(), "");
 * server.start("tcp", "127.0.0.1:8972");   // or serve(...), which blocks until the server stops
 * ...
 * server.shutdown(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p><b>Services.</b> Every public method of a registered object that has one of these shapes is
 * served, under its name with the first letter upper-cased (or its {@link RpcName}):
 * <pre>
 * void mul(Context ctx, Args args, Reply reply) throws Exception   // rpcx style
 * Reply mul(Args args)                                              // Java style
 * Reply mul(ServerContext ctx, Args args)
 * void record(Args args)                                            // empty reply
 * CompletableFuture&lt;Reply&gt; mul(Args args)                            // asynchronous
 * </pre>
 * The first parameter may be {@link io.jrpcx.Context} or {@link ServerContext} in every shape. A
 * {@code void} Java-style method is answered with an empty payload, as Go answers a nil reply.
 * Registration logs at WARN each public method it skips and why.
 * Methods run on the handler executor, so they may block; methods marked {@link NonBlocking} run
 * on the network thread instead.
 *
 * <p><b>Errors.</b> Callers get an rpcx error response ({@code __rpcx_error__}) for an unknown
 * service or method, arguments that do not decode, a method that throws (its message, without a
 * stack trace unless {@link Builder#includeStackTraces}; a code and details beside it when the
 * exception has them, see {@link io.jrpcx.ServiceException}), and a method still running when the
 * caller's {@code __ServerTimeout} deadline passes. Bytes that are not rpcx frames close that one
 * connection. Oneway requests never get a response.
 *
 * <p><b>TLS.</b> With {@link Builder#tls} every connection is TLS (or mutual TLS) from its first
 * byte; a client that does not complete the handshake, plaintext rpcx clients included, is logged
 * and closed without affecting other connections. Services see the session through {@link
 * ClientConnection#tlsSession()}.
 *
 * <p><b>Other protocols on the port.</b> With {@link Builder#sharePortWith} a connection whose
 * first byte is not rpcx's {@code 0x08} is handed to another protocol (e.g. the HTTP gateway of
 * {@code jrpcx-gateway}), which runs its requests through this server with {@link #dispatch}.
 *
 * <p><b>Limits.</b> One peer cannot stop the server for the others: names and metadata are bounded
 * from the first bytes of a frame ({@link Builder#maxNameLength}, {@link
 * Builder#maxMetadataPairs}, {@link Builder#maxMetadataBytes}); what all connections hold is
 * bounded by one {@link Builder#memoryBudget memory budget}; a connection whose peer does not read
 * its answers stops being read and is closed after {@link Builder#writeStallTimeout}; half-sent
 * frames are closed after {@link Builder#frameTimeout}; connections are capped in all and per
 * address; an {@link Error} on a network thread costs only the connection that caused it
 * ({@link #networkThreadErrors()}).
 *
 * <p><b>Lifecycle.</b> {@link #shutdown(Duration)} unregisters the services from registries,
 * stops accepting, stops reading new requests, waits for in-flight calls and then closes;
 * {@link #close()} closes everything at once.
 *
 * <p>Thread-safe.
 */
public final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  final FrameCodec frameCodec;
  private final Compressors compressors;
  private final int maxDecompressedLength;
  final Codecs codecs;
  final ServerPlugins plugins;
  final Authenticator authenticator;
  final boolean includeStackTraces;
  final Executor executor;
  private final HandlerPool ownedExecutor;
  private final TlsConfig tls;

  /** What every connection's requests and responses hold, against one limit. */
  final MemoryBudget memory;

  private final ConnectionLimits connectionLimits;

  /** The listener, the network threads and the connections. */
  private final ServerTransport transport;

  /** Keeps peer-caused WARN lines to a few a second. */
  final LogLimiter connectionWarnings = new LogLimiter(10);

  private final Map<String, ServiceDefinition> services = new ConcurrentHashMap<>();

  /** File-transfer and stream listeners, closed with the server. */
  private final List<SideChannel> sideChannels = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final AtomicLong pushSeq = new AtomicLong();
  private final InFlightCalls inFlight = new InFlightCalls();
  private final CountDownLatch terminated = new CountDownLatch(1);

  private final Object lifecycle = new Object();
  private State state = State.NEW;
  private Thread shutdownHook; // guarded by lifecycle

  private enum State {
    NEW,
    SERVING,
    SHUTTING_DOWN,
    CLOSED
  }

  private Server(Builder b) {
    this.frameCodec =
        new FrameCodec(
            b.compressors,
            b.maxMessageLength,
            b.maxDecompressedLength,
            b.maxNameLength,
            b.maxMetadataPairs,
            b.maxMetadataBytes);
    this.compressors = b.compressors;
    this.maxDecompressedLength = b.maxDecompressedLength;
    this.codecs = b.codecs;
    this.plugins = new ServerPlugins(b.plugins);
    this.authenticator = b.authenticator;
    this.includeStackTraces = b.includeStackTraces;
    this.tls = b.tls;
    this.memory =
        new MemoryBudget(b.memoryBudget > 0 ? b.memoryBudget : MemoryBudget.defaultLimit());
    this.connectionLimits =
        new ConnectionLimits(
            b.maxConnections > 0 ? b.maxConnections : ConnectionLimits.defaultMaxConnections(),
            b.maxConnectionsPerIp);
    this.transport = new ServerTransport(this, b, connectionLimits);
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      HandlerPool pool =
          new HandlerPool(
              b.handlerThreads,
              b.maxQueuedRequests,
              new io.netty.util.concurrent.DefaultThreadFactory("jrpcx-handler", true));
      this.executor = pool;
      this.ownedExecutor = pool;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers {@code service} under its class's simple name (or its {@link RpcName}) with empty
   * metadata.
   */
  public void register(Object service) {
    register(ServiceDefinition.defaultName(service), service, "");
  }

  /**
   * Registers {@code service} as {@code name}. {@code metadata} is the URL query string registry
   * plugins publish with it, e.g. {@code "weight=10&group=g1"}.
   *
   * @throws IllegalArgumentException when the name is taken, the object has no service method, or
   *     a method's argument or reply type is one that none of the server's codecs can decode or
   *     encode ({@link io.jrpcx.codec.Codec#checkDecodable}), such as a class without a
   *     constructor the JSON and MsgPack codecs can use
   * @throws IllegalStateException when a registry plugin failed; the service is served anyway
   */
  public void register(String name, Object service, String metadata) {
    Objects.requireNonNull(service, "service");
    ServiceDefinition def = ServiceDefinition.of(name, service, metadata);
    def.checkTypes(codecs);
    if (services.putIfAbsent(name, def) != null) {
      throw new IllegalArgumentException("service " + name + " is already registered");
    }
    IllegalStateException failure = null;
    for (ServerPlugin.Register p : plugins.register) {
      try {
        p.register(name, service, def.metadata);
      } catch (Exception e) {
        if (failure == null) {
          failure =
              new IllegalStateException(
                  "registry plugin failed to register " + name + ": " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops serving {@code name} and removes it from registries. Returns whether it was served. */
  public boolean unregister(String name) {
    if (services.remove(name) == null) {
      return false;
    }
    for (ServerPlugin.Register p : plugins.register) {
      try {
        p.unregister(name);
      } catch (Exception e) {
        log.warn("registry plugin {} failed to unregister {}", p, name, e);
      }
    }
    return true;
  }

  /**
   * Serves file uploads and downloads over rpcx's side channel, Go's {@code EnableFileTransfer}:
   * registers the {@code _filetransfer} service (or {@link FileTransfer#serviceName()}) and starts
   * its own listener now; both stop with this server. See {@link FileTransfer}.
   *
   * @return the running listener, e.g. for its bound {@link SideChannel#address()}
   * @throws IllegalStateException when the listener cannot bind, or it asks for TLS and this
   *     server has none
   */
  public SideChannel enableFileTransfer(FileTransfer fileTransfer) {
    return closedWithServer(SideChannels.enableFileTransfer(this, fileTransfer));
  }

  /**
   * Serves raw byte streams over rpcx's side channel, Go's {@code EnableStreamService}: registers
   * {@code _streamservice} (or {@link StreamService#serviceName()}) and starts its own listener
   * now; both stop with this server. See {@link StreamService}.
   */
  public SideChannel enableStreamService(StreamService streamService) {
    return closedWithServer(SideChannels.enableStreamService(this, streamService));
  }

  private SideChannel closedWithServer(SideChannel channel) {
    sideChannels.add(channel);
    synchronized (lifecycle) {
      if (state != State.CLOSED) {
        return channel;
      }
    }
    channel.close();
    throw new IllegalStateException("the server is closed");
  }

  /** Names of the services served. */
  public Set<String> services() {
    return Set.copyOf(services.keySet());
  }

  /**
   * Binds {@code address} on {@code network} ({@code tcp}, {@code tcp4}, {@code tcp6},
   * {@code unix}, {@code http} (a CONNECT on the rpc path first), {@code ws} and {@code wss}
   * (WebSocket on the rpc path; {@code wss} needs {@link Builder#tls}), {@code reuseport} (a TCP
   * listener with SO_REUSEPORT, Linux), {@code quic} (with the module jrpcx-transport-quic; needs
   * {@link Builder#tls}), or {@code inprocess} for callers in this JVM, where the address is any
   * unique name) and returns once the server accepts connections. Port 0 picks a
   * free port; {@link #address()} tells which. A handshake must complete within the frame
   * timeout.
   *
   * @throws IllegalArgumentException when the network is unknown (naming the module to add for
   *     {@code quic} and {@code kcp}), the server has TLS and the network is not TCP-based, or
   *     the network needs TLS and the server has none
   * @throws IllegalStateException when the address cannot be bound, naming it: {@code cannot
   *     listen on tcp@127.0.0.1:8972: address already in use: 127.0.0.1:8972}
   */
  public void start(String network, String address) {
    synchronized (lifecycle) {
      if (state != State.NEW) {
        throw new IllegalStateException("server already " + state.name().toLowerCase());
      }
      transport.bind(network, address);
      state = State.SERVING;
    }
    log.info(
        "jrpcx server listening on {}@{}{}",
        network,
        transport.address(),
        tls == null ? "" : " with TLS (client certificates: " + tls.clientAuth() + ")");
    for (ServerPlugin.Register p : plugins.register) {
      try {
        p.listening(network, transport.address());
      } catch (Exception e) {
        close();
        throw new IllegalStateException(
            "registry plugin " + p + " failed once the server listened: " + e.getMessage(), e);
      }
    }
  }

  /** {@link #start} and block until the server is shut down or closed, rpcx's {@code Serve}. */
  public void serve(String network, String address) throws InterruptedException {
    start(network, address);
    awaitTermination();
  }

  /** Blocks until the server has shut down or closed. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** The bound address ({@code host:port} or the unix path), or null before {@link #start}. */
  public String address() {
    return transport.address();
  }

  /** The network the server listens on, as given to {@link #start}, or null before it. */
  public String network() {
    return transport.network();
  }

  /** The TLS settings connections are served with, or null for plaintext. */
  public TlsConfig tls() {
    return tls;
  }

  /**
   * The registry metadata {@code serviceName} was registered with, or null when it is not
   * served.
   */
  public String metadata(String serviceName) {
    ServiceDefinition def = services.get(serviceName);
    return def == null ? null : def.metadata;
  }

  /**
   * The connected rpcx clients, e.g. to push messages to them. Connections of a
   * {@link SharedPortProtocol} are not listed.
   */
  public List<ClientConnection> activeConnections() {
    List<ClientConnection> rpcx = new ArrayList<>();
    for (ServerConnection c : transport.connections()) {
      if (!PortSharing.servesOtherProtocol(c.channel)) {
        rpcx.add(c);
      }
    }
    return rpcx;
  }

  /**
   * Runs {@code request} through this server as if it had been read from an rpcx connection, for
   * a {@link SharedPortProtocol} that translates its own requests: PostReadRequest plugins,
   * heartbeat echo, the authenticator ({@code __AUTH}), the caller's deadline
   * ({@code __ServerTimeout}), the handler executor, PreCall and PostCall plugins, and the same
   * error responses. Counted in flight, so {@link #shutdown} waits for it.
   *
   * <p>The stage completes with the response message (an error response carries
   * {@link Message#ERROR_KEY}), with null at once for a oneway request, exceptionally with an
   * {@link AuthenticationException} when the authenticator refused the request, and with the
   * plugin's exception when a PostReadRequest plugin failed other than with a
   * {@link io.jrpcx.ServiceException} (an rpcx connection would be closed). It completes on the
   * thread that finished the call: do not block there. Plugins and services see {@code from} as
   * the caller's connection, except that {@link ClientConnection#close()} on it does nothing: the
   * protocol owns its connection.
   *
   * @throws IllegalStateException when the server was never started
   */
  public java.util.concurrent.CompletionStage<Message> dispatch(
      ClientConnection from, Message request) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(request, "request");
    return DispatchedCaller.dispatch(this, from, request);
  }

  /** Largest frame accepted, header included; also the largest request body of other protocols. */
  public int maxMessageLength() {
    return frameCodec.maxMessageLength();
  }

  /** Largest size a compressed payload may inflate to. */
  public int maxDecompressedLength() {
    return maxDecompressedLength;
  }

  /** The payload compressors, by compress type. */
  public Compressors compressors() {
    return compressors;
  }

  /** Pushes a message to {@code connection}; see {@link ClientConnection#send}. */
  public java.util.concurrent.CompletableFuture<Void> sendMessage(
      ClientConnection connection,
      String servicePath,
      String serviceMethod,
      Map<String, String> metadata,
      byte[] data) {
    return connection.send(servicePath, serviceMethod, metadata, data);
  }

  /**
   * Stops gracefully: removes every service from registries (so clients stop choosing this
   * server), stops accepting connections and reading new requests, waits up to {@code timeout}
   * for in-flight calls to be answered, then closes every connection. Every request read before
   * reading stopped is answered (within the timeout); requests sent after that are never run,
   * and their callers see the connection close, a {@link io.jrpcx.ConnectionException} that
   * Failover retries on another node.
   *
   * @return whether every in-flight call was answered before the timeout
   */
  public boolean shutdown(Duration timeout) {
    synchronized (lifecycle) {
      if (state == State.CLOSED || state == State.SHUTTING_DOWN) {
        return inFlight.count() == 0;
      }
      state = State.SHUTTING_DOWN;
    }
    for (String name : services.keySet()) {
      for (ServerPlugin.Register p : plugins.register) {
        try {
          p.unregister(name);
        } catch (Exception e) {
          log.warn("registry plugin {} failed to unregister {}", p, name, e);
        }
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    transport.closeListener(deadline);
    inFlight.startDraining();
    boolean drained = transport.stopReading(deadline) && inFlight.awaitDrained(deadline);
    if (!drained) {
      log.warn("shutdown timed out with {} calls in flight", inFlight.count());
    }
    release(deadline);
    return drained;
  }

  /**
   * Shuts this server down gracefully, as {@link #shutdown(Duration) shutdown(timeout)} does,
   * when the JVM is asked to stop: SIGTERM (what {@code kill}, systemd and Kubernetes send), SIGINT
   * (Ctrl-C) or {@code System.exit}. It is a JVM shutdown hook, so the JVM waits for the calls in
   * flight (up to {@code timeout}) before it exits; the hook is removed when the server is shut
   * down or closed first. SIGKILL cannot be caught: nothing runs then.
   *
   * <pre>{@code
   * server.start("tcp", ":8972");
   * server.shutdownOnSignal(Duration.ofSeconds(10));
   * }</pre>
   *
   * @return this server
   * @throws IllegalStateException when a hook was already set, or the server is closed
   */
  public Server shutdownOnSignal(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
    Thread hook = new Thread(() -> shutdown(timeout), "jrpcx-shutdown-on-signal");
    synchronized (lifecycle) {
      if (shutdownHook != null) {
        throw new IllegalStateException("shutdownOnSignal was already called on this server");
      }
      if (state == State.CLOSED || state == State.SHUTTING_DOWN) {
        throw new IllegalStateException("the server is " + state.name().toLowerCase(Locale.ROOT));
      }
      shutdownHook = hook;
    }
    Runtime.getRuntime().addShutdownHook(hook);
    return this;
  }

  /** Removes the {@link #shutdownOnSignal} hook, unless it is what is running now. */
  private void removeShutdownHook() {
    Thread hook;
    synchronized (lifecycle) {
      hook = shutdownHook;
      shutdownHook = null;
    }
    if (hook != null && hook != Thread.currentThread()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the hook runs and finds the server closed.
      }
    }
  }

  /** Whether {@link #shutdown} has stopped reading requests: any still read are not run. */
  boolean draining() {
    return inFlight.draining();
  }

  /**
   * Closes the listener and every connection at once; calls in flight are not answered. Returns
   * within {@link #CLOSE_TIMEOUT} even when a network thread is stuck.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.SHUTTING_DOWN;
    }
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    transport.closeListener(deadline);
    release(deadline);
  }

  /** Longest {@link #close()} waits for network threads to finish. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Closes every connection and stops the network threads, no later than {@code deadline} (see
   * {@link ServerTransport#release}), then the handler pool.
   */
  private void release(long deadline) {
    removeShutdownHook();
    for (SideChannel side : sideChannels) {
      side.close();
    }
    transport.release(deadline);
    synchronized (lifecycle) {
      state = State.CLOSED;
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    terminated.countDown();
  }

  /**
   * Errors caught on network threads since the server started ({@code OutOfMemoryError} while
   * reading a peer's frame, say): each closed the connection that caused it, or was caught past
   * the handlers, and no network thread was lost to it.
   */
  public long networkThreadErrors() {
    return transport.networkThreadErrors();
  }

  void networkThreadError() {
    transport.networkThreadError();
  }

  /**
   * The server's memory budget ({@link Builder#memoryBudget}), for a {@link SharedPortProtocol}
   * to hold what its connections buffer to the same count as rpcx connections: reserve before
   * buffering, release once answered.
   */
  public MemoryBudget memoryBudget() {
    return memory;
  }

  /** Bytes the server holds for its peers now: see {@link Builder#memoryBudget}. */
  public long memoryInUse() {
    return memory.used();
  }

  /** The most bytes the server has held for its peers at once. */
  public long memoryPeak() {
    return memory.peak();
  }

  /** Connections refused by {@link Builder#maxConnections} or {@link
   * Builder#maxConnectionsPerIp}. */
  public long refusedConnections() {
    return connectionLimits.refused();
  }

  /** A network thread to run timers of dispatched calls on. */
  java.util.concurrent.ScheduledExecutorService timer() {
    return transport.timer();
  }

  ServiceDefinition service(String name) {
    return services.get(name);
  }

  long nextPushSeq() {
    return pushSeq.incrementAndGet();
  }

  void callStarted() {
    inFlight.started();
  }

  void callFinished() {
    inFlight.finished();
  }

  void connectionOpened(ServerConnection c) {
    transport.connections().add(c);
  }

  /** Returns whether the connection was known (so close hooks run once). */
  boolean connectionClosed(ServerConnection c) {
    return transport.connections().remove(c);
  }

  /** Configures a {@link Server}. Every setting has a safe default. */
  public static final class Builder {
    int maxMessageLength = FrameCodec.DEFAULT_MAX_MESSAGE_LENGTH;
    int maxDecompressedLength = FrameCodec.DEFAULT_MAX_MESSAGE_LENGTH;
    Codecs codecs = Codecs.defaults();
    Compressors compressors = Compressors.defaults();
    final List<ServerPlugin> plugins = new ArrayList<>();
    Authenticator authenticator;
    boolean includeStackTraces;
    Executor executor;
    int handlerThreads = 200;
    int maxQueuedRequests = 10_000;
    int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    Duration tcpKeepAlivePeriod = Duration.ofMinutes(3);
    TlsConfig tls;
    SharedPortProtocol sharedPort;
    int maxNameLength = FrameCodec.DEFAULT_MAX_NAME_LENGTH;
    int maxMetadataPairs = FrameCodec.DEFAULT_MAX_METADATA_PAIRS;
    int maxMetadataBytes = FrameCodec.DEFAULT_MAX_METADATA_BYTES;
    long memoryBudget;
    int maxConnections;
    int maxConnectionsPerIp = Integer.MAX_VALUE;
    Duration idleTimeout = Duration.ZERO;
    Duration frameTimeout = Duration.ofSeconds(60);
    String rpcPath = "/_rpcx_";
    Duration writeStallTimeout = Duration.ofSeconds(60);
    int writeBufferLowWaterMark = 1 << 20;
    int writeBufferHighWaterMark = 4 << 20;

    private Builder() {}

    /**
     * Longest service path and service method accepted, in UTF-8 bytes (default 1 KiB; Go's names
     * are identifiers). A frame with a longer one closes its connection as soon as the length
     * field arrives.
     */
    public Builder maxNameLength(int bytes) {
      this.maxNameLength = positive(bytes, "maxNameLength");
      return this;
    }

    /**
     * Most metadata pairs in one request (default 1,024). A frame with more closes its
     * connection; no more than this many pairs are ever decoded.
     */
    public Builder maxMetadataPairs(int pairs) {
      this.maxMetadataPairs = positive(pairs, "maxMetadataPairs");
      return this;
    }

    /**
     * Largest metadata block of one request (default 1 MiB). A frame with a larger one closes its
     * connection as soon as the length field arrives.
     */
    public Builder maxMetadataBytes(int bytes) {
      this.maxMetadataBytes = positive(bytes, "maxMetadataBytes");
      return this;
    }

    /**
     * Bytes the server may hold for all its peers together (default: half of the smaller of the
     * maximum heap and the maximum direct memory): frames being read, requests until their call
     * ends (inflated payloads included) and responses until written. When it is spent, the
     * connections that want more stop being read until memory is released; connections holding
     * little still get small requests read (up to a quarter past the budget); a payload that
     * cannot be inflated within it is answered with an "overloaded" error. A frame larger than the
     * whole budget closes its connection.
     */
    public Builder memoryBudget(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("memoryBudget < 1");
      }
      this.memoryBudget = bytes;
      return this;
    }

    /**
     * Most connections open at once (default: the process's file descriptor limit less a tenth,
     * at least 128, for everything else it opens). One more is closed as soon as it is accepted,
     * with a (rate-limited) WARN: peers see a closed connection rather than a server that stops
     * accepting with {@code EMFILE}.
     */
    public Builder maxConnections(int connections) {
      this.maxConnections = positive(connections, "maxConnections");
      return this;
    }

    /** Most connections open at once from one IP address (default: no limit). */
    public Builder maxConnectionsPerIp(int connections) {
      this.maxConnectionsPerIp = positive(connections, "maxConnectionsPerIp");
      return this;
    }

    /**
     * Closes a connection on which no byte arrived for {@code timeout} (default
     * {@link Duration#ZERO}: never). Off by default because Go rpcx clients send no heartbeats
     * unless configured to, and a Go {@code Client} whose idle connection was closed fails its
     * next call instead of reconnecting; set it when every client heartbeats more often.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = nonNegative(timeout, "idleTimeout");
      return this;
    }

    /**
     * The path the {@code http} network accepts its CONNECT on and the {@code ws}/{@code wss}
     * networks their upgrade, Go's {@code RPCPath} (default {@code /_rpcx_}). Other paths get
     * 404, as from Go's HTTP mux.
     */
    public Builder rpcPath(String path) {
      this.rpcPath = io.jrpcx.internal.Network.checkRpcPath(path);
      return this;
    }

    /**
     * Time within which a frame must be received whole once its first byte arrived (default 60
     * s; {@link Duration#ZERO}: no limit). A peer that starts a frame and trickles or stops is
     * closed with the reason logged. Time this server spends not reading (its memory budget spent,
     * its answers not read) does not count against the peer.
     */
    public Builder frameTimeout(Duration timeout) {
      this.frameTimeout = nonNegative(timeout, "frameTimeout");
      return this;
    }

    /**
     * Outbound bytes queued on a connection above which the server stops reading its requests
     * ({@code high}), and below which it reads again ({@code low}) (defaults 1 MiB and 4 MiB):
     * a peer that sends requests but does not read the answers cannot make the server queue
     * them without end. Applies to every protocol on the port and to server push.
     */
    public Builder writeBufferWaterMarks(int low, int high) {
      if (low < 0 || high < low) {
        throw new IllegalArgumentException("need 0 <= low <= high: " + low + ", " + high);
      }
      this.writeBufferLowWaterMark = low;
      this.writeBufferHighWaterMark = high;
      return this;
    }

    /**
     * Closes a connection whose outbound bytes stayed above the high watermark for {@code timeout}
     * (default 60 s; {@link Duration#ZERO}: never): its peer is not reading.
     */
    public Builder writeStallTimeout(Duration timeout) {
      this.writeStallTimeout = nonNegative(timeout, "writeStallTimeout");
      return this;
    }

    private static int positive(int value, String what) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " < 1: " + value);
      }
      return value;
    }

    private static Duration nonNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " is negative: " + d);
      }
      return d;
    }

    /**
     * Largest frame accepted, header included (default 64 MiB). A bigger frame closes its
     * connection before any of it is buffered.
     */
    public Builder maxMessageLength(int bytes) {
      this.maxMessageLength = bytes;
      return this;
    }

    /** Largest size a compressed payload may inflate to (default 64 MiB). */
    public Builder maxDecompressedLength(int bytes) {
      this.maxDecompressedLength = bytes;
      return this;
    }

    /** Payload codecs by serialize type (default raw, JSON and MsgPack). */
    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /** Payload compressors by compress type (default gzip). */
    public Builder compressors(Compressors compressors) {
      this.compressors = Objects.requireNonNull(compressors, "compressors");
      return this;
    }

    /** Adds a plugin; see {@link ServerPlugin} for the hooks. */
    public Builder plugin(ServerPlugin plugin) {
      plugins.add(Objects.requireNonNull(plugin, "plugin"));
      return this;
    }

    /** Checks the {@code __AUTH} token of every request (default: none). */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    /**
     * Appends the Java stack trace of a method's exception to the error text sent to callers
     * (default false: the trace can reveal internals).
     */
    public Builder includeStackTraces(boolean include) {
      this.includeStackTraces = include;
      return this;
    }

    /**
     * Runs service methods on {@code executor}, which the caller owns and shuts down. By default
     * the server runs them on its own pool of {@link #handlerThreads} threads.
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /** Threads of the default handler pool (default 200); they stop when idle for a minute. */
    public Builder handlerThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("handlerThreads < 1");
      }
      this.handlerThreads = threads;
      return this;
    }

    /**
     * Requests the default handler pool queues when every thread is busy (default 10,000).
     * Beyond that, callers get an "overloaded" error instead of unbounded memory growth.
     */
    public Builder maxQueuedRequests(int requests) {
      if (requests < 1) {
        throw new IllegalArgumentException("maxQueuedRequests < 1");
      }
      this.maxQueuedRequests = requests;
      return this;
    }

    /** Network threads (default: the number of processors). */
    public Builder ioThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("ioThreads < 1");
      }
      this.ioThreads = threads;
      return this;
    }

    /** TCP keepalive idle time of accepted connections (default 3 minutes, as in Go rpcx). */
    public Builder tcpKeepAlivePeriod(Duration period) {
      this.tcpKeepAlivePeriod = period;
      return this;
    }

    /**
     * Serves every connection over TLS with {@code tls}, which must hold key material; its
     * {@link TlsConfig#clientAuth()} decides whether clients need certificates (mutual TLS).
     * Null (the default) serves plaintext. TCP-based networks only (tcp, http, ws, wss,
     * reuseport); {@code wss} requires it.
     */
    public Builder tls(TlsConfig tls) {
      if (tls != null && tls.keyManagerFactory().isEmpty()) {
        throw new IllegalArgumentException(
            "a TLS server needs key material: "
                + "TlsConfig.builder().keyManager(certChain, privateKey)");
      }
      this.tls = tls;
      return this;
    }

    /**
     * Serves {@code protocol} on the server's port as well, e.g. the HTTP gateway and JSON-RPC of
     * module {@code jrpcx-gateway}: a connection whose first byte is rpcx's magic {@code 0x08}
     * speaks rpcx exactly as without it, any other connection is handed to {@code protocol} (after
     * the TLS handshake, with {@link #tls}). Null (the default) serves rpcx alone, and a first
     * byte other than {@code 0x08} closes the connection. On tcp, tcp4, tcp6 and reuseport only:
     * on http and ws the first bytes are the network's handshake.
     */
    public Builder sharePortWith(SharedPortProtocol protocol) {
      this.sharedPort = protocol;
      return this;
    }

    /**
     * Builds the server (it listens once started).
     *
     * @throws IllegalArgumentException when the TLS settings cannot be used
     */
    public Server build() {
      return new Server(this);
    }
  }
}
