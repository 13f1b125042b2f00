package io.jrpcx.internal;

import io.jrpcx.TlsConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSession;

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
 * #connect(Bootstrap, SocketAddress, ClientSide)} and {@link #bind(ServerBootstrap, SocketAddress,
 * ServerSide)} to build its channels its own way, and one with TLS of its own says so with {@link
 * #ownsTls()}. Names of networks whose module is absent fail with the module to add.
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

  /**
   * The peer's socket address, set by a network on a connection's channel whose own {@link
   * Channel#remoteAddress()} is not one (a QUIC stream's is the stream's id); see {@link
   * #peerAddress}.
   */
  public static final AttributeKey<SocketAddress> PEER_ADDRESS =
      AttributeKey.valueOf(Network.class, "peerAddress");

  /**
   * The TLS session, set by a network that {@link #ownsTls()} on a connection's channel, where
   * no {@code SslHandler} holds it.
   */
  public static final AttributeKey<SSLSession> TLS_SESSION =
      AttributeKey.valueOf(Network.class, "tlsSession");

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

  /** The peer's address of connection {@code ch}: its {@link #PEER_ADDRESS}, else its own. */
  public static SocketAddress peerAddress(Channel ch) {
    SocketAddress a = ch.attr(PEER_ADDRESS).get();
    return a != null ? a : ch.remoteAddress();
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
   * Whether the network secures its connections itself (QUIC carries TLS 1.3 inside its own
   * handshake): the server and client then add no {@code SslHandler} and hand the {@link
   * io.jrpcx.TlsConfig} to the network through {@link ServerSide} and {@link ClientSide}.
   */
  public boolean ownsTls() {
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

  /**
   * Connects {@code b}'s channel to {@code remote}. A datagram network (QUIC, KCP) builds its
   * channels its own way from {@code side}: its TLS settings or its plugins (KCP's key). The
   * future must complete within {@code side}'s handshake timeout, and its channel is the one
   * {@code b}'s handler was run on.
   */
  public ChannelFuture connect(Bootstrap b, SocketAddress remote, ClientSide side) {
    return b.channel(clientChannel()).connect(remote);
  }

  /**
   * Binds {@code b}'s listener to {@code local}, after {@link #listenerOptions}. A datagram
   * network listens its own way from {@code side}; each connection still gets {@code b}'s child
   * handler.
   */
  public ChannelFuture bind(ServerBootstrap b, SocketAddress local, ServerSide side) {
    listenerOptions(b);
    return b.channel(serverChannel()).bind(local);
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
   * the handshake may take, for a network that {@link #ownsTls()} the TLS settings to use (the
   * client's, or the JDK's trusted CAs when it has none; else null), and the client's plugins,
   * where a network finds settings of its own (KCP's key).
   */
  public record ClientSide(
      String address,
      boolean tls,
      String rpcPath,
      int maxFrameLength,
      Duration handshakeTimeout,
      TlsConfig tlsConfig,
      List<?> plugins) {
    /**
     * The last of the client's plugins that is a {@code type} (a later one overrides), the way a
     * network finds its own settings.
     */
    public <T> Optional<T> plugin(Class<T> type) {
      return lastOf(plugins, type);
    }
  }

  /**
   * What a server's handshake needs: whether TLS wraps the connection, the rpc path, the largest
   * frame accepted (the server's max message length), the time the handshake may take, for a
   * network that {@link #ownsTls()} the server's TLS settings (null when it has none), and the
   * server's plugins, where a network finds settings of its own (KCP's key).
   */
  public record ServerSide(
      boolean tls,
      String rpcPath,
      int maxFrameLength,
      Duration handshakeTimeout,
      TlsConfig tlsConfig,
      List<?> plugins) {
    /**
     * The last of the server's plugins that is a {@code type} (a later one overrides), the way a
     * network finds its own settings.
     */
    public <T> Optional<T> plugin(Class<T> type) {
      return lastOf(plugins, type);
    }
  }

  private static <T> Optional<T> lastOf(List<?> plugins, Class<T> type) {
    T found = null;
    for (Object p : plugins) {
      if (type.isInstance(p)) {
        found = type.cast(p);
      }
    }
    return Optional.ofNullable(found);
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
