package io.jrpcx.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;

/**
 * Chooses Netty's native epoll transport when it loads (Linux x86_64) and NIO otherwise, and maps
 * rpcx network names to channels and addresses through {@link Network}, which holds what differs
 * between networks.
 *
 * <p>The in-process network is Netty's local transport: frames pass between channels in memory,
 * through the same pipeline (frame decoder, codecs, plugins) as TCP, so behaviour is identical;
 * only the socket is gone. It is rpcx's {@code memu} network, under a name that says what it is.
 */
public final class NettyTransport {
  private static final boolean EPOLL = Epoll.isAvailable();

  /** The network name of in-JVM connections; its addresses are names, e.g. {@code arith-1}. */
  public static final String IN_PROCESS = "inprocess";

  private NettyTransport() {}

  /** Whether the native epoll transport is in use. */
  public static boolean isEpoll() {
    return EPOLL;
  }

  /** A new event loop group of daemon threads named {@code name-N}. */
  public static EventLoopGroup newEventLoopGroup(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(
        threads, new NetworkThreadFactory(name), ioHandlers(false));
  }

  /**
   * A new event loop group whose threads survive any {@link Throwable} escaping their I/O step
   * (see {@link SafeIoHandler}), counted in {@code escaped}: for servers, where one peer's bytes
   * must never cost every other peer its network thread.
   */
  public static EventLoopGroup newGuardedEventLoopGroup(
      int threads, String name, boolean inProcess, java.util.concurrent.atomic.AtomicLong escaped) {
    return new MultiThreadIoEventLoopGroup(
        threads,
        new NetworkThreadFactory(name),
        SafeIoHandler.wrap(ioHandlers(inProcess), escaped));
  }

  /**
   * A new event loop group for {@link #IN_PROCESS} channels, which cannot share the socket
   * transport's event loops.
   */
  public static EventLoopGroup newInProcessEventLoopGroup(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(
        threads, new NetworkThreadFactory(name), ioHandlers(true));
  }

  /** In-JVM channels' handlers, or epoll's where it loads and NIO's elsewhere. */
  private static IoHandlerFactory ioHandlers(boolean inProcess) {
    return inProcess
        ? LocalIoHandler.newFactory()
        : EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** Whether {@code network} is {@link #IN_PROCESS}. */
  public static boolean isInProcess(String network) {
    return Network.of(network).name().equals(IN_PROCESS);
  }

  /** Whether {@code network} runs over TCP, so TCP options and TLS apply (see {@link Network}). */
  public static boolean isTcp(String network) {
    return Network.of(network).isTcpBased();
  }

  /** Whether {@code network} names a unix domain socket rather than TCP. */
  public static boolean isUnix(String network) {
    return Network.of(network).name().equals("unix");
  }

  public static Class<? extends Channel> clientChannel(String network) {
    return Network.of(network).clientChannel();
  }

  public static Class<? extends ServerChannel> serverChannel(String network) {
    return Network.of(network).serverChannel();
  }

  /**
   * Parses an rpcx address for {@code network}: {@code host:port}, {@code [v6]:port} or
   * {@code :port} (every interface) for TCP-based networks, a file path for unix, a name for
   * in-process.
   */
  public static SocketAddress address(String network, String address) {
    return Network.of(network).address(address);
  }

  /** The kinds of socket the networks run on. */
  enum Kind {
    TCP,
    UNIX,
    IN_PROCESS
  }

  static Class<? extends Channel> clientChannel(Kind kind) {
    switch (kind) {
      case IN_PROCESS:
        return LocalChannel.class;
      case UNIX:
        return EPOLL ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
      default:
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
  }

  static Class<? extends ServerChannel> serverChannel(Kind kind) {
    switch (kind) {
      case IN_PROCESS:
        return LocalServerChannel.class;
      case UNIX:
        return EPOLL ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
      default:
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
  }

  static SocketAddress socketAddress(Kind kind, String address) {
    if (kind == Kind.IN_PROCESS) {
      if (address.isEmpty()) {
        throw new IllegalArgumentException("in-process address is empty; give it a name");
      }
      return new LocalAddress(address);
    }
    if (kind == Kind.UNIX) {
      if (address.isEmpty()) {
        throw new IllegalArgumentException("unix socket path is empty");
      }
      return EPOLL ? new DomainSocketAddress(address) : UnixDomainSocketAddress.of(address);
    }
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "address '" + address + "' has no port; expected host:port");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + address + "' has no numeric port", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range in '" + address + "'");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** Renders an address the way rpcx keys do: {@code host:port}, or the unix path. */
  public static String format(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      String host =
          inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    if (address instanceof LocalAddress) {
      return ((LocalAddress) address).id();
    }
    if (address instanceof DomainSocketAddress) {
      return ((DomainSocketAddress) address).path();
    }
    if (address instanceof UnixDomainSocketAddress) {
      return ((UnixDomainSocketAddress) address).getPath().toString();
    }
    return String.valueOf(address);
  }

  /**
   * Enables TCP keepalive with {@code period} as the idle time before probes, where the transport
   * lets us set it (epoll); NIO falls back to the OS default idle time.
   */
  public static void applyKeepAlive(
      io.netty.bootstrap.AbstractBootstrap<?, ?> bootstrap, Duration period, boolean child) {
    if (period == null || period.isZero() || period.isNegative()) {
      return;
    }
    int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, period.toSeconds()));
    if (child) {
      io.netty.bootstrap.ServerBootstrap sb = (io.netty.bootstrap.ServerBootstrap) bootstrap;
      sb.childOption(ChannelOption.SO_KEEPALIVE, true);
      if (EPOLL) {
        sb.childOption(EpollChannelOption.TCP_KEEPIDLE, seconds);
        sb.childOption(EpollChannelOption.TCP_KEEPINTVL, seconds);
      }
    } else {
      bootstrap.option(ChannelOption.SO_KEEPALIVE, true);
      if (EPOLL) {
        bootstrap.option(EpollChannelOption.TCP_KEEPIDLE, seconds);
        bootstrap.option(EpollChannelOption.TCP_KEEPINTVL, seconds);
      }
    }
  }

  /**
   * Whether the calling thread is one of jrpcx's network threads, which must never block. Known
   * by the threads' own class, so no Netty internal is needed to tell.
   */
  public static boolean onNetworkThread() {
    return Thread.currentThread() instanceof NetworkThread;
  }

  /** Netty's default thread factory, making {@link NetworkThread}s. */
  private static final class NetworkThreadFactory extends DefaultThreadFactory {
    NetworkThreadFactory(String name) {
      super(name, true);
    }

    @Override
    protected Thread newThread(Runnable r, String name) {
      return new NetworkThread(threadGroup, r, name);
    }
  }

  private static final class NetworkThread extends FastThreadLocalThread {
    NetworkThread(ThreadGroup group, Runnable task, String name) {
      super(group, task, name);
    }
  }
}
