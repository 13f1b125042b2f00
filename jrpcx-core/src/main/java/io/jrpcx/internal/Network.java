package io.jrpcx.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One rpcx network name ({@code tcp}, {@code http}, {@code ws}, ...) and everything that differs
 * between networks: the channel classes and address syntax, the handshake handlers a client's and
 * a server's pipeline get in front of the frame decoder, and the listener's socket options. The
 * rest of a pipeline (limits, TLS, frames, calls) is the same on every network, so this is the one
 * place that decides what a network adds.
 *
 * <p>Core registers {@code tcp}, {@code tcp4}, {@code tcp6}, {@code unix}, {@value
 * NettyTransport#IN_PROCESS}, {@code http}, {@code ws}, {@code wss} and {@code reuseport}. A module
 * adds its networks by listing a subclass in {@code META-INF/services/io.jrpcx.internal.Network}
 * (read once, with {@link ServiceLoader}); a datagram network such as QUIC or KCP overrides {@link
 * #connect} and {@link #bind} to build its channels its own way. Names of networks whose module is
 * absent fail with the module to add.
 */
public abstract class Network {
  /** Go's default {@code RPCPath}, where http CONNECT and WebSocket connections go. */
  public static final String DEFAULT_RPC_PATH = "/_rpcx_";

  /** Networks that live in modules of their own, by name, for a clear error when one is absent. */
  private static final Map<String, String> MODULES =
      Map.of("quic", "jrpcx-transport-quic", "kcp", "jrpcx-transport-kcp");

  private static final Map<String, Network> NETWORKS = new ConcurrentHashMap<>();

  static {
    for (Network n :
        List.of(
            new Stream("tcp"),
            new Stream("tcp4"),
            new Stream("tcp6"),
            new Unix(),
            new InProcess(),
            new HttpConnect(),
            new WebSockets("ws", false),
            new WebSockets("wss", true),
            new ReusePort())) {
      NETWORKS.put(n.name(), n);
    }
    for (Network n : ServiceLoader.load(Network.class, Network.class.getClassLoader())) {
      NETWORKS.putIfAbsent(n.name(), n);
    }
  }

  private final String name;

  protected Network(String name) {
    this.name = name;
  }

  /**
   * The network called {@code name} (case-insensitive; empty or null is {@code tcp}, as in rpcx
   * keys without {@code @}).
   *
   * @throws IllegalArgumentException for an unknown name, naming the module to add when the
   *     network lives in one
   */
  public static Network of(String name) {
    String n = name == null || name.isEmpty() ? "tcp" : name.toLowerCase(Locale.ROOT);
    Network network = NETWORKS.get(n);
    if (network != null) {
      return network;
    }
    String module = MODULES.get(n);
    if (module != null) {
      throw new IllegalArgumentException(
          "network '" + name + "' needs the module io.jrpcx:" + module + " on the class path");
    }
    throw new IllegalArgumentException(
        "network '"
            + name
            + "' is not supported; use one of "
            + new java.util.TreeSet<>(NETWORKS.keySet()));
  }

  /**
   * Returns {@code path} if it can be an rpc path: it starts with {@code /} and holds only visible
   * ASCII (it goes into a request line verbatim).
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String checkRpcPath(String path) {
    if (path == null
        || !path.startsWith("/")
        || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "rpc path must start with '/' and hold only visible "
              + "ASCII characters, was '"
              + path
              + "'");
    }
    return path;
  }

  /** The name as rpcx keys write it, e.g. {@code ws}. */
  public final String name() {
    return name;
  }

  /**
   * Whether the network runs over a TCP socket: TCP options (no delay, keepalive) apply and TLS
   * may wrap it.
   */
  public boolean isTcpBased() {
    return false;
  }

  /** Whether TLS is mandatory on this network ({@code wss}). */
  public boolean requiresTls() {
    return false;
  }

  /**
   * Whether another protocol (the HTTP gateway) may share the server's port, told apart by the
   * first byte; true on plain TCP listeners, where Go's cmux does it. On http and ws the first
   * bytes are the handshake's, which the network itself must read.
   */
  public boolean sharesPort() {
    return false;
  }

  /** Parses an rpcx address for this network. */
  public SocketAddress address(String address) {
    return NettyTransport.socketAddress(NettyTransport.Kind.TCP, address);
  }

  public Class<? extends Channel> clientChannel() {
    return NettyTransport.clientChannel(NettyTransport.Kind.TCP);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return NettyTransport.serverChannel(NettyTransport.Kind.TCP);
  }

  /** Connects {@code b}'s channel to {@code remote}; datagram networks build theirs otherwise. */
  public ChannelFuture connect(Bootstrap b, SocketAddress remote) {
    return b.channel(clientChannel()).connect(remote);
  }

  /** Binds {@code b}'s listener to {@code local}, after {@link #listenerOptions}. */
  public ChannelFuture bind(ServerBootstrap b, SocketAddress local) {
    listenerOptions(b);
    return b.channel(serverChannel()).bind(local);
  }

  /**
   * Connects as {@link #connect(Bootstrap, SocketAddress)} does, knowing the client's side: for a
   * network whose channels need it before any handler runs (KCP's key, from a plugin).
   */
  public ChannelFuture connect(Bootstrap b, SocketAddress remote, ClientSide side) {
    return connect(b, remote);
  }

  /**
   * Binds as {@link #bind(ServerBootstrap, SocketAddress)} does, knowing the server's side: for a
   * network whose listener needs it (KCP's key, from a plugin).
   */
  public ChannelFuture bind(ServerBootstrap b, SocketAddress local, ServerSide side) {
    return bind(b, local);
  }

  /** Socket options of the listener; none beyond the server's own by default. */
  protected void listenerOptions(ServerBootstrap b) {}

  /**
   * Adds this network's client handshake handlers to {@code ch}, after TLS and before the frame
   * decoder (added by the caller next), and returns the handshake's future, or null when the
   * network has none. No frame may be written before the future succeeded.
   */
  public Future<Void> initClient(Channel ch, ClientSide side) {
    return null;
  }

  /**
   * Adds this network's server handshake handlers to {@code ch}, after the connection guard and
   * TLS, before the frame decoder (added by the caller next).
   */
  public void initServer(Channel ch, ServerSide side) {}

  @Override
  public String toString() {
    return name;
  }

  /**
   * What a client's handshake needs: the address as dialled ({@code host:port}, for Host and
   * Origin), whether TLS wraps the connection, the rpc path, the largest frame accepted, the time
   * the handshake may take and the client's plugins (where a network finds its own settings).
   */
  public record ClientSide(
      String address,
      boolean tls,
      String rpcPath,
      int maxFrameLength,
      Duration handshakeTimeout,
      List<?> plugins) {
    public ClientSide(
        String address,
        boolean tls,
        String rpcPath,
        int maxFrameLength,
        Duration handshakeTimeout) {
      this(address, tls, rpcPath, maxFrameLength, handshakeTimeout, List.of());
    }

    /**
     * The last of the client's plugins that is a {@code type} (a later one overrides), the way a
     * network finds its own settings.
     */
    public <T> java.util.Optional<T> plugin(Class<T> type) {
      return lastOf(plugins, type);
    }
  }

  /**
   * What a server's handshake needs: whether TLS wraps the connection, the rpc path, the largest
   * frame accepted (the server's max message length), the time the handshake may take and the
   * server's plugins (where a network finds its own settings).
   */
  public record ServerSide(
      boolean tls, String rpcPath, int maxFrameLength, Duration handshakeTimeout, List<?> plugins) {
    public ServerSide(boolean tls, String rpcPath, int maxFrameLength, Duration handshakeTimeout) {
      this(tls, rpcPath, maxFrameLength, handshakeTimeout, List.of());
    }

    /**
     * The last of the server's plugins that is a {@code type} (a later one overrides), the way a
     * network finds its own settings.
     */
    public <T> java.util.Optional<T> plugin(Class<T> type) {
      return lastOf(plugins, type);
    }
  }

  private static <T> java.util.Optional<T> lastOf(List<?> plugins, Class<T> type) {
    T found = null;
    for (Object p : plugins) {
      if (type.isInstance(p)) {
        found = type.cast(p);
      }
    }
    return java.util.Optional.ofNullable(found);
  }

  /** Plain TCP: {@code tcp}, {@code tcp4}, {@code tcp6}. */
  private static class Stream extends Network {
    Stream(String name) {
      super(name);
    }

    @Override
    public boolean isTcpBased() {
      return true;
    }

    @Override
    public boolean sharesPort() {
      return true;
    }
  }

  /**
   * {@code reuseport}: a TCP listener with {@code SO_REUSEPORT}, so several processes bind one
   * port and the kernel spreads connections among them (a new process starts before the old one
   * stops, and no connection is refused in between). Clients dial it as TCP.
   */
  private static final class ReusePort extends Stream {
    ReusePort() {
      super("reuseport");
    }

    @Override
    protected void listenerOptions(ServerBootstrap b) {
      if (!NettyTransport.isEpoll()) {
        throw new IllegalArgumentException(
            "network 'reuseport' needs Netty's native epoll "
                + "transport (Linux x86_64 or aarch64), which did not load here");
      }
      b.option(EpollChannelOption.SO_REUSEPORT, true);
    }
  }

  private static final class Unix extends Network {
    Unix() {
      super("unix");
    }

    @Override
    public SocketAddress address(String address) {
      return NettyTransport.socketAddress(NettyTransport.Kind.UNIX, address);
    }

    @Override
    public Class<? extends Channel> clientChannel() {
      return NettyTransport.clientChannel(NettyTransport.Kind.UNIX);
    }

    @Override
    public Class<? extends ServerChannel> serverChannel() {
      return NettyTransport.serverChannel(NettyTransport.Kind.UNIX);
    }
  }

  private static final class InProcess extends Network {
    InProcess() {
      super(NettyTransport.IN_PROCESS);
    }

    @Override
    public SocketAddress address(String address) {
      return NettyTransport.socketAddress(NettyTransport.Kind.IN_PROCESS, address);
    }

    @Override
    public Class<? extends Channel> clientChannel() {
      return NettyTransport.clientChannel(NettyTransport.Kind.IN_PROCESS);
    }

    @Override
    public Class<? extends ServerChannel> serverChannel() {
      return NettyTransport.serverChannel(NettyTransport.Kind.IN_PROCESS);
    }
  }

  /** {@code http}: an HTTP CONNECT to the rpc path, then raw frames ({@link HttpConnect}). */
  private static final class HttpConnect extends Network {
    HttpConnect() {
      super("http");
    }

    @Override
    public boolean isTcpBased() {
      return true;
    }

    @Override
    public Future<Void> initClient(Channel ch, ClientSide side) {
      return HttpConnectHandshake.addClient(ch, side);
    }

    @Override
    public void initServer(Channel ch, ServerSide side) {
      HttpConnectHandshake.addServer(ch, side);
    }
  }

  /** {@code ws} and {@code wss}: frames carried in WebSocket frames ({@link WebSocketPipe}). */
  private static final class WebSockets extends Network {
    private final boolean secure;

    WebSockets(String name, boolean secure) {
      super(name);
      this.secure = secure;
    }

    @Override
    public boolean isTcpBased() {
      return true;
    }

    @Override
    public boolean requiresTls() {
      return secure;
    }

    @Override
    public Future<Void> initClient(Channel ch, ClientSide side) {
      return WebSocketPipe.addClient(ch, side);
    }

    @Override
    public void initServer(Channel ch, ServerSide side) {
      WebSocketPipe.addServer(ch, side);
    }
  }
}
