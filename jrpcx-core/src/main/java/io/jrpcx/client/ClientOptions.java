package io.jrpcx.client;

import io.jrpcx.TlsConfig;
import io.jrpcx.client.breaker.Breaker;
import io.jrpcx.client.breaker.RateBreaker;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.internal.NettyTls;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Compressors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Immutable client settings. {@link #DEFAULT} holds the values of Go rpcx's {@code DefaultOption}
 * plus jrpcx's safe limits and its default breaker; change any with {@link #toBuilder()}:
 *
 * <pre>{@code
 * ClientOptions json = ClientOptions.DEFAULT.toBuilder()
 *     .serializeType(SerializeType.JSON)
 *     .heartbeat(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 */
public final class ClientOptions {
  /** The {@link #callTimeout()} of calls whose context has no deadline, unless set. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * MsgPack, no compression, 1 s connect timeout, no idle timeout, no heartbeat (30 s wait when
   * enabled), 1 min TCP keepalive, a {@code RateBreaker(0.95, 100)} per node, 64 MiB frame and
   * decompression limits, plaintext (no TLS); for XClients no group, 3 retries, no retry
   * interval, a 10 ms backup latency and one connection per node.
   */
  public static final ClientOptions DEFAULT = new Builder().build();

  private final int serializeType;
  private final int compressType;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final Duration callTimeout;
  private final Duration heartbeatInterval;
  private final Duration maxWaitForHeartbeat;
  private final Duration tcpKeepAlivePeriod;
  private final Supplier<Breaker> breakerFactory;
  private final int maxMessageLength;
  private final int maxDecompressedLength;
  private final Codecs codecs;
  private final Compressors compressors;
  private final List<ClientPlugin> plugins;
  private final ServerMessageListener serverMessageListener;
  private final String group;
  private final int retries;
  private final Duration retryInterval;
  private final Duration backupLatency;
  private final TlsConfig tls;
  private final String rpcPath;
  private final int connectionsPerNode;

  private ClientOptions(Builder b) {
    this.serializeType = b.serializeType;
    this.compressType = b.compressType;
    this.connectTimeout = b.connectTimeout;
    this.idleTimeout = b.idleTimeout;
    this.callTimeout = b.callTimeout;
    this.heartbeatInterval = b.heartbeatInterval;
    this.maxWaitForHeartbeat = b.maxWaitForHeartbeat;
    this.tcpKeepAlivePeriod = b.tcpKeepAlivePeriod;
    this.breakerFactory = b.breakerFactory;
    this.maxMessageLength = b.maxMessageLength;
    this.maxDecompressedLength = b.maxDecompressedLength;
    this.codecs = b.codecs;
    this.compressors = b.compressors;
    this.plugins = List.copyOf(b.plugins);
    this.serverMessageListener = b.serverMessageListener;
    this.group = b.group;
    this.retries = b.retries;
    this.retryInterval = b.retryInterval;
    this.backupLatency = b.backupLatency;
    this.tls = b.tls;
    this.rpcPath = b.rpcPath;
    this.connectionsPerNode = b.connectionsPerNode;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Codec of call arguments (replies are decoded with whatever type the server answers in). */
  public int serializeType() {
    return serializeType;
  }

  /** Compression of argument payloads larger than 1024 bytes; smaller ones go uncompressed. */
  public int compressType() {
    return compressType;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long the connection may receive nothing before it is closed; zero disables. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * The deadline a call gets when its context has none (default 30 s; zero: none, as in Go). See
   * {@link Builder#callTimeout}.
   */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Whether heartbeats are sent: {@link #heartbeatInterval()} is positive. */
  public boolean heartbeat() {
    return !heartbeatInterval.isZero();
  }

  /** Time between heartbeats; zero when heartbeats are off. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** How long to wait for a heartbeat's echo before the connection is declared dead and closed. */
  public Duration maxWaitForHeartbeat() {
    return maxWaitForHeartbeat;
  }

  public Duration tcpKeepAlivePeriod() {
    return tcpKeepAlivePeriod;
  }

  /** Makes the breaker of each connection; null when calls are not guarded by a breaker. */
  public Supplier<Breaker> breakerFactory() {
    return breakerFactory;
  }

  public int maxMessageLength() {
    return maxMessageLength;
  }

  public int maxDecompressedLength() {
    return maxDecompressedLength;
  }

  public Codecs codecs() {
    return codecs;
  }

  public Compressors compressors() {
    return compressors;
  }

  public List<ClientPlugin> plugins() {
    return plugins;
  }

  /** Receives server push messages, or null (they are then logged and dropped). */
  public ServerMessageListener serverMessageListener() {
    return serverMessageListener;
  }

  /**
   * The group an {@link XClient} calls: only nodes whose metadata lists {@code group=<this>};
   * empty (the default) for every node.
   */
  public String group() {
    return group;
  }

  /**
   * Extra attempts {@link FailMode#FAILOVER} and {@link FailMode#FAILTRY} make after a transport
   * failure (default 3, so up to 4 attempts).
   */
  public int retries() {
    return retries;
  }

  /** Pause between an XClient's attempts (default zero). */
  public Duration retryInterval() {
    return retryInterval;
  }

  /** How long {@link FailMode#FAILBACKUP} waits before it sends the backup request (10 ms). */
  public Duration backupLatency() {
    return backupLatency;
  }

  /** The TLS settings connections are made with, or null for plaintext (the default). */
  public TlsConfig tls() {
    return tls;
  }

  /**
   * The path the {@code http} network's CONNECT and the {@code ws}/{@code wss} networks' upgrade
   * go to, Go's {@code RPCPath} (default {@code /_rpcx_}).
   */
  public String rpcPath() {
    return rpcPath;
  }

  /**
   * How many connections an {@link XClient} keeps to each node (default 1, as rpcx's XClient);
   * calls to a node take its connections in turn. A {@link Client} is one connection and ignores
   * it.
   */
  public int connectionsPerNode() {
    return connectionsPerNode;
  }

  /** Builds {@link ClientOptions}; starts from the defaults. */
  public static final class Builder {
    private int serializeType = SerializeType.MSGPACK;
    private int compressType = CompressType.NONE;
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration idleTimeout = Duration.ZERO;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private Duration heartbeatInterval = Duration.ZERO;
    private Duration maxWaitForHeartbeat = Duration.ofSeconds(30);
    private Duration tcpKeepAlivePeriod = Duration.ofMinutes(1);
    private Supplier<Breaker> breakerFactory = () -> new RateBreaker(0.95, 100);
    private int maxMessageLength = FrameCodec.DEFAULT_MAX_MESSAGE_LENGTH;
    private int maxDecompressedLength = FrameCodec.DEFAULT_MAX_MESSAGE_LENGTH;
    private Codecs codecs = Codecs.defaults();
    private Compressors compressors = Compressors.defaults();
    private final List<ClientPlugin> plugins = new ArrayList<>();
    private ServerMessageListener serverMessageListener;
    private String group = "";
    private int retries = 3;
    private Duration retryInterval = Duration.ZERO;
    private Duration backupLatency = Duration.ofMillis(10);
    private TlsConfig tls;
    private String rpcPath = "/_rpcx_";
    private int connectionsPerNode = 1;

    private Builder() {}

    private Builder(ClientOptions o) {
      serializeType = o.serializeType;
      compressType = o.compressType;
      connectTimeout = o.connectTimeout;
      idleTimeout = o.idleTimeout;
      callTimeout = o.callTimeout;
      heartbeatInterval = o.heartbeatInterval;
      maxWaitForHeartbeat = o.maxWaitForHeartbeat;
      tcpKeepAlivePeriod = o.tcpKeepAlivePeriod;
      breakerFactory = o.breakerFactory;
      maxMessageLength = o.maxMessageLength;
      maxDecompressedLength = o.maxDecompressedLength;
      codecs = o.codecs;
      compressors = o.compressors;
      plugins.addAll(o.plugins);
      serverMessageListener = o.serverMessageListener;
      group = o.group;
      retries = o.retries;
      retryInterval = o.retryInterval;
      backupLatency = o.backupLatency;
      tls = o.tls;
      rpcPath = o.rpcPath;
      connectionsPerNode = o.connectionsPerNode;
    }

    /** See {@link io.jrpcx.codec.SerializeType}; must be registered in {@link #codecs}. */
    public Builder serializeType(int serializeType) {
      if (serializeType < 0 || serializeType > SerializeType.MAX) {
        throw new IllegalArgumentException("serialize type must be 0..15, was " + serializeType);
      }
      this.serializeType = serializeType;
      return this;
    }

    /** See {@link CompressType}; must be registered in {@link #compressors} unless NONE. */
    public Builder compressType(int compressType) {
      if (compressType < 0 || compressType > CompressType.MAX) {
        throw new IllegalArgumentException("compress type must be 0..7, was " + compressType);
      }
      this.compressType = compressType;
      return this;
    }

    /** How long {@link Client#connect} waits for the connection (default 1 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Zero disables the idle timeout. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = nonNegative(timeout, "idleTimeout");
      return this;
    }

    /**
     * The deadline of a call whose {@link io.jrpcx.Context} has none, so that no call waits
     * forever for a server that never answers: 30 s by default; zero turns it off (Go rpcx has no
     * such default). On a {@link Client} it bounds each call; on an {@link XClient} each attempt,
     * and the whole of a synchronous {@code call} (proxies' included), retries and all. Unlike a
     * context's deadline it is not sent to the server as {@code __ServerTimeout}, so requests
     * stay byte for byte what Go's client sends. Oneway calls, and the transfer of {@code
     * sendFile}, {@code downloadFile} and {@code stream} (whose length depends on the data), do
     * not get it; broadcast, fork and inform keep rpcx's one minute.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = nonNegative(timeout, "callTimeout");
      return this;
    }

    /** Sends a heartbeat every {@code interval}; zero turns heartbeats off (the default). */
    public Builder heartbeat(Duration interval) {
      this.heartbeatInterval = nonNegative(interval, "heartbeat interval");
      return this;
    }

    /** How long a heartbeat may go unanswered before the connection is closed (default 30 s). */
    public Builder maxWaitForHeartbeat(Duration wait) {
      this.maxWaitForHeartbeat = positive(wait, "maxWaitForHeartbeat");
      return this;
    }

    /** Zero leaves TCP keepalive off. */
    public Builder tcpKeepAlivePeriod(Duration period) {
      this.tcpKeepAlivePeriod = nonNegative(period, "tcpKeepAlivePeriod");
      return this;
    }

    /** The breaker each connection gets; null for none. */
    public Builder breaker(Supplier<Breaker> factory) {
      this.breakerFactory = factory;
      return this;
    }

    /** Largest frame accepted or sent, header included (default 64 MiB). */
    public Builder maxMessageLength(int bytes) {
      this.maxMessageLength = bytes;
      return this;
    }

    /** Largest size a compressed reply may inflate to (default 64 MiB). */
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

    /** Adds a plugin; see {@link ClientPlugin} for the hooks. */
    public Builder plugin(ClientPlugin plugin) {
      plugins.add(Objects.requireNonNull(plugin, "plugin"));
      return this;
    }

    /** Receives messages the server pushes; without one they are logged and dropped. */
    public Builder serverMessageListener(ServerMessageListener listener) {
      this.serverMessageListener = listener;
      return this;
    }

    /** Calls only nodes of this group (rpcx's {@code Option.Group}); empty for all nodes. */
    public Builder group(String group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /** Extra attempts after a transport failure for Failover and Failtry (default 3). */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must not be negative, was " + retries);
      }
      this.retries = retries;
      return this;
    }

    /** Pause between an XClient's attempts (default zero). */
    public Builder retryInterval(Duration interval) {
      this.retryInterval = nonNegative(interval, "retryInterval");
      return this;
    }

    /** How long Failbackup waits for the first request before it sends the second (10 ms). */
    public Builder backupLatency(Duration latency) {
      this.backupLatency = nonNegative(latency, "backupLatency");
      return this;
    }

    /**
     * Connects over TLS with {@code tls} (mutual TLS when it holds key material); null (the
     * default) connects in plaintext. {@link Client#connect} then also waits for the handshake,
     * within the connect timeout. TCP-based networks only (tcp, http, ws, wss); {@code wss}
     * without it trusts the JDK's CAs.
     */
    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    /**
     * The path of the {@code http} network's CONNECT and the {@code ws}/{@code wss} upgrade, Go's
     * {@code RPCPath} (default {@code /_rpcx_}); must match the server's.
     */
    public Builder rpcPath(String path) {
      this.rpcPath = io.jrpcx.internal.Network.checkRpcPath(path);
      return this;
    }

    /**
     * How many connections an {@link XClient} keeps to each node (default 1, as rpcx's XClient).
     * Calls to a node take its connections in turn, each dialed on first use and re-dialed lazily
     * once dead; the node's breaker covers all of them. A small pool (2 to 4) lets a busy client
     * spread its calls over more than one network thread on each side; a {@link Client} is one
     * connection and ignores it.
     */
    public Builder connectionsPerNode(int connections) {
      if (connections < 1 || connections > 1024) {
        throw new IllegalArgumentException(
            "connectionsPerNode must be 1..1024, was " + connections);
      }
      this.connectionsPerNode = connections;
      return this;
    }

    /**
     * Checks that the chosen codec and compressor are registered and that the TLS settings can
     * be used, and builds the options.
     */
    public ClientOptions build() {
      if (tls != null) {
        NettyTls.clientContext(tls); // fails here on unusable settings, not at the first connect
      }
      if (codecs.get(serializeType) == null) {
        throw new IllegalArgumentException(
            "no codec registered for serialize type " + serializeType);
      }
      if (compressType != CompressType.NONE && compressors.get(compressType) == null) {
        throw new IllegalArgumentException(
            "no compressor registered for compress type " + compressType);
      }
      return new ClientOptions(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }

    private static Duration nonNegative(Duration d, String what) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative, was " + d);
      }
      return d;
    }
  }
}
