package io.jrpcx.server;

import io.jrpcx.TlsConfig;
import io.jrpcx.internal.FrameDecoder;
import io.jrpcx.internal.NettyTls;
import io.jrpcx.internal.NettyTransport;
import io.jrpcx.internal.Network;
import io.jrpcx.internal.ReadGate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network side of a {@link Server}: the listener and its guard, the connection pipeline, the
 * network threads and the set of open connections, and how each of them stops. The server owns
 * the services, the calls in flight and the order of a shutdown; this class owns the sockets.
 */
final class ServerTransport {
  private static final Logger log = LoggerFactory.getLogger(ServerTransport.class);

  private final Server server;
  private final ConnectionLimits connectionLimits;
  private final int ioThreads;
  private final Duration tcpKeepAlivePeriod;
  private final TlsConfig tls;

  /** Built once from {@link #tls}; null for plaintext. */
  private final SslContext sslContext;

  /** Another protocol served on the port, or null for rpcx alone. */
  private final SharedPortProtocol sharedPort;

  private final Duration idleTimeout;
  private final Duration frameTimeout;
  private final String rpcPath;
  private final Duration writeStallTimeout;
  private final WriteBufferWaterMark waterMark;

  /** Errors (out of memory, say) caught on network threads, in handlers or past them. */
  private final AtomicLong networkThreadErrors = new AtomicLong();

  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();

  private final Object lock = new Object();
  private EventLoopGroup group;

  /** The listening socket's own loop, which runs no connection: no peer's bytes can stop it. */
  private EventLoopGroup acceptGroup;

  private Channel serverChannel;
  private String boundAddress;
  private String boundNetwork;

  /** What the bound network adds to each connection; set before the listener accepts. */
  private volatile Network network;

  private volatile Network.ServerSide serverSide;

  ServerTransport(Server server, Server.Builder b, ConnectionLimits connectionLimits) {
    this.server = server;
    this.connectionLimits = connectionLimits;
    this.ioThreads = b.ioThreads;
    this.tcpKeepAlivePeriod = b.tcpKeepAlivePeriod;
    this.tls = b.tls;
    this.sslContext = b.tls == null ? null : NettyTls.serverContext(b.tls);
    this.sharedPort = b.sharedPort;
    this.idleTimeout = b.idleTimeout;
    this.frameTimeout = b.frameTimeout;
    this.rpcPath = b.rpcPath;
    this.writeStallTimeout = b.writeStallTimeout;
    this.waterMark =
        new WriteBufferWaterMark(b.writeBufferLowWaterMark, b.writeBufferHighWaterMark);
  }

  /**
   * Binds {@code address} on {@code network} and starts accepting. Called once, under the
   * server's lifecycle lock.
   *
   * @throws IllegalArgumentException when the network is unknown, does not allow the server's TLS
   *     setting, or cannot share its port with the server's shared-port protocol
   * @throws IllegalStateException when the address cannot be bound
   */
  void bind(String network, String address) {
    Network net = Network.of(network);
    SocketAddress bindAddress = net.address(address);
    boolean tcp = net.isTcpBased();
    if (sslContext != null && !tcp && !net.ownsTls()) {
      throw new IllegalArgumentException(
          "TLS is supported on TCP-based networks (tcp, http, ws, "
              + "wss, reuseport), not "
              + network);
    }
    if (sslContext == null && net.requiresTls()) {
      throw new IllegalArgumentException(
          "network '" + network + "' needs TLS: " + "Server.builder().tls(TlsConfig...)");
    }
    if (sharedPort != null && !net.sharesPort()) {
      throw new IllegalArgumentException(
          "a protocol sharing the port (sharePortWith) is served "
              + "on tcp, tcp4, tcp6 and reuseport only, not "
              + network);
    }
    boolean inProcess = net.name().equals(NettyTransport.IN_PROCESS);
    this.network = net;
    // A handshake is bounded like a frame: by the frame timeout, or TLS's when that is off.
    Duration handshakeTimeout =
        !frameTimeout.isZero()
            ? frameTimeout
            : tls != null ? tls.handshakeTimeout() : TlsConfig.builder().build().handshakeTimeout();
    this.serverSide =
        new Network.ServerSide(
            sslContext != null,
            rpcPath,
            server.frameCodec.maxMessageLength(),
            handshakeTimeout,
            net.ownsTls() ? tls : null,
            server.plugins.all);
    EventLoopGroup g =
        NettyTransport.newGuardedEventLoopGroup(
            ioThreads,
            inProcess ? "jrpcx-server-local" : "jrpcx-server-io",
            inProcess,
            networkThreadErrors);
    EventLoopGroup accept =
        NettyTransport.newGuardedEventLoopGroup(
            1,
            inProcess ? "jrpcx-server-local-accept" : "jrpcx-server-accept",
            inProcess,
            networkThreadErrors);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(accept, g)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .handler(new AcceptGuard())
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    initConnection(ch);
                  }
                });
    if (tcp) {
      b.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
      NettyTransport.applyKeepAlive(b, tcpKeepAlivePeriod, true);
    }
    Channel bound;
    try {
      bound = net.bind(b, bindAddress, serverSide).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the bind's checked IOException unchanged
      g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      accept.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      String message = String.valueOf(e.getMessage());
      throw new IllegalStateException(
          message.contains("Address already in use")
              ? "cannot listen on "
                  + network
                  + "@"
                  + address
                  + ": address already in use: "
                  + address
              : "cannot listen on " + network + "@" + address + ": " + message,
          e);
    }
    synchronized (lock) {
      serverChannel = bound;
      group = g;
      acceptGroup = accept;
      boundNetwork = inProcess ? NettyTransport.IN_PROCESS : network;
      boundAddress = NettyTransport.format(bound.localAddress());
    }
  }

  /**
   * A connection's pipeline, from the bytes up: limits first, then TLS, the network's handshake
   * (http CONNECT, WebSocket), frames and calls.
   */
  private void initConnection(Channel ch) {
    if (!idleTimeout.isZero()) {
      ch.pipeline()
          .addLast("idle", new IdleStateHandler(idleTimeout.toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    }
    ch.pipeline().addLast("guard", new ConnectionGuard(writeStallTimeout));
    Network net = network;
    if (sslContext != null && !net.ownsTls()) {
      NettyTls.addServerHandler(ch, sslContext, tls.handshakeTimeout());
    }
    net.initServer(ch, serverSide);
    if (sharedPort != null && net.sharesPort()) {
      ch.pipeline().addLast(PortSharing.DETECTOR, new PortSharing.Detector(server, sharedPort));
    }
    FrameDecoder.ConnectionMemory held = new FrameDecoder.ConnectionMemory();
    ch.pipeline()
        .addLast(
            PortSharing.FRAMES,
            FrameDecoder.forServer(server.frameCodec, server.memory, frameTimeout, held));
    ch.pipeline().addLast(SharedPortProtocol.CONNECTION_HANDLER, new ServerHandler(server, held));
  }

  String address() {
    synchronized (lock) {
      return boundAddress;
    }
  }

  String network() {
    synchronized (lock) {
      return boundNetwork;
    }
  }

  /** The open connections, added and removed by their handlers. */
  Set<ServerConnection> connections() {
    return connections;
  }

  long networkThreadErrors() {
    return networkThreadErrors.get();
  }

  void networkThreadError() {
    networkThreadErrors.incrementAndGet();
  }

  /** A network thread to run timers of dispatched calls on. */
  ScheduledExecutorService timer() {
    synchronized (lock) {
      if (group == null) {
        throw new IllegalStateException("the server is not started");
      }
      return group.next();
    }
  }

  /**
   * Stops reading requests on every connection. Switching a channel's auto-read off from another
   * thread would not stop a read its network thread is in the middle of: a request decoded from
   * it afterwards could be started after the drain saw no call in flight, and then never
   * answered. So auto-read goes off on each connection's own network thread, and this waits for
   * that: whatever was read before is counted in flight by then. Requests that still arrive (on a
   * connection accepted just before the listener closed, say) see the server draining and are
   * dropped unread; their callers see the connection close and may retry elsewhere.
   */
  boolean stopReading(long deadline) {
    List<Future<?>> stopped = new ArrayList<>();
    for (ServerConnection c : connections) {
      Channel ch = c.channel;
      try {
        stopped.add(ch.eventLoop().submit(() -> ReadGate.of(ch).pause(ReadGate.DRAINING)));
      } catch (RejectedExecutionException e) {
        // its network thread is gone, and the connection with it
      }
    }
    for (Future<?> f : stopped) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Counts each connection on the listener's own thread, as it is accepted, and closes one over
   * the limits there and then: checked later, on the connection's network thread, a burst of
   * connections would be accepted faster than the surplus is closed, and the process would run
   * out of file descriptors all the same.
   */
  private final class AcceptGuard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel child = (Channel) msg;
      String refusal = connectionLimits.admit(child);
      if (refusal == null) {
        ctx.fireChannelRead(msg);
        return;
      }
      long suppressed = server.connectionWarnings.admit();
      if (suppressed >= 0) {
        log.warn(
            "refusing connection from {}: {}{}",
            Network.peerAddress(child),
            refusal,
            LogLimiter.suffix(suppressed));
      }
      // Not registered with any event loop yet: closed as Netty's own acceptor closes a child
      // it cannot register.
      child.unsafe().closeForcibly();
    }
  }

  void closeListener(long deadline) {
    Channel listener;
    synchronized (lock) {
      listener = serverChannel;
    }
    if (listener != null) {
      // Bounded: a listener whose thread is stuck or gone must not hold up the shutdown.
      awaitUntil(listener.close(), deadline);
    }
  }

  /**
   * Closes every connection and stops the network threads, waiting for each step no later than
   * {@code deadline} (and at least a moment, so a shutdown whose drain took all its time still
   * gets queued answers out). Threads still running then are daemons and never keep the JVM up.
   */
  void release(long deadline) {
    long atLeast = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    long until = Math.max(deadline, atLeast);
    // Each close is a task on the connection's network thread, queued behind any answer already
    // handed to it (a shared-port protocol's, say). Wait for them: a network thread that sees its
    // group shutting down closes its channels at once, ahead of the tasks still queued.
    List<ChannelFuture> closed = new ArrayList<>();
    for (ServerConnection c : connections) {
      closed.add(c.channel.close());
    }
    for (ChannelFuture f : closed) {
      awaitUntil(f, until);
    }
    EventLoopGroup g;
    EventLoopGroup accept;
    synchronized (lock) {
      g = group;
      accept = acceptGroup;
    }
    List<Future<?>> stopping = new ArrayList<>();
    if (accept != null) {
      stopping.add(accept.shutdownGracefully(0, 2, TimeUnit.SECONDS));
    }
    if (g != null) {
      stopping.add(g.shutdownGracefully(0, 2, TimeUnit.SECONDS));
    }
    for (Future<?> f : stopping) {
      if (!awaitUntil(f, until)) {
        log.warn("a network thread did not stop in time; the server is closed without it");
      }
    }
  }

  private static boolean awaitUntil(Future<?> f, long deadline) {
    long left = deadline - System.nanoTime();
    return f.awaitUninterruptibly(Math.max(0, left), TimeUnit.NANOSECONDS);
  }
}
