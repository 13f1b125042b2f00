package io.jrpcx.client;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.Deadline;
import io.jrpcx.RpcException;
import io.jrpcx.TlsConfig;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.internal.FrameDecoder;
import io.jrpcx.internal.FrameWriter;
import io.jrpcx.internal.NettyTls;
import io.jrpcx.internal.NettyTransport;
import io.jrpcx.internal.Network;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection under a {@link Client}: the Netty bootstrap, the TLS handshake, the pipeline,
 * heartbeats and the table of calls waiting for an answer. The {@link Client} builds requests and
 * turns answers into replies; this class moves them and owns the connection's {@link State}.
 *
 * <p>State changes happen under {@code lock}; the state is volatile so the call path reads it
 * without locking.
 */
final class ClientTransport {
  private static final Logger log = LoggerFactory.getLogger(ClientTransport.class);

  /** Where the connection is in its life. Only forward moves, except a failed dial (to NEW). */
  enum State {
    /** Not connected yet, or the last dial failed. */
    NEW,
    CONNECTING,
    /** Connected: calls go out. */
    OPEN,
    /** Connected, and closes itself once no call waits for an answer. */
    DRAINING,
    /** {@link #close()} was called; the connection is going down. */
    CLOSING,
    /** The connection ended without {@link #close()} (the peer, an error, a failed handshake). */
    ENDED,
    /** {@link #close()} was called and the connection is down. */
    CLOSED
  }

  private final Client owner;
  private final ClientOptions options;
  private final FrameCodec frameCodec;
  private final AtomicLong nextSeq = new AtomicLong();
  private final Map<Long, Call<?>> pending = new ConcurrentHashMap<>();

  private final Object lock = new Object();
  private volatile State state = State.NEW;

  /** Published under the lock once connect() succeeded; null before. */
  private volatile Channel channel;

  private volatile FrameWriter writer;
  private volatile Throwable closeCause;
  private volatile String network = "";
  private volatile String address = "";
  private ScheduledFuture<?> heartbeatTask;
  private ScheduledFuture<?> expiryTask;

  ClientTransport(Client owner, ClientOptions options) {
    this.owner = owner;
    this.options = options;
    this.frameCodec =
        new FrameCodec(
            options.compressors(), options.maxMessageLength(), options.maxDecompressedLength());
  }

  ClientOptions options() {
    return options;
  }

  State state() {
    return state;
  }

  String address() {
    return address;
  }

  String network() {
    return network;
  }

  /** Moves NEW to CONNECTING, or says why this client cannot connect. */
  void beginConnect(String network, String address) {
    synchronized (lock) {
      switch (state) {
        case NEW:
          break;
        case CLOSING:
        case CLOSED:
          throw new IllegalStateException("client is closed");
        case ENDED:
          throw new IllegalStateException(
              "the client's connection to " + this.address + " ended; make a new client");
        default:
          throw new IllegalStateException("client is already connected to " + this.address);
      }
      state = State.CONNECTING;
      this.network = network;
      this.address = address;
    }
  }

  /**
   * Dials and, with TLS, completes the handshake, both within the connect timeout counted from
   * {@code startNanos}. On success the connection is live but not yet OPEN: {@link #open} does
   * that once the plugins accepted it.
   *
   * @throws ConnectionException when the dial or the handshake failed
   */
  Channel dial(SslContext ssl, long startNanos) {
    Network net = Network.of(network);
    // A network with TLS of its own gets the settings; no SslHandler is added for it.
    TlsConfig ownTls =
        !net.ownsTls() ? null : options.tls() != null ? options.tls() : NettyTls.DEFAULT_CLIENT;
    SharedEventLoopGroup loops = SharedEventLoopGroup.forNetwork(network);
    SocketAddress remote = net.address(address);
    EventLoopGroup group = loops.acquire();
    // Set by the initializer, which runs before connect() returns.
    AtomicReference<Future<Void>> handshake = new AtomicReference<>();
    Network.ClientSide side =
        new Network.ClientSide(
            address,
            ssl != null || ownTls != null,
            options.rpcPath(),
            options.maxMessageLength(),
            options.connectTimeout(),
            ownTls,
            options.plugins());
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (ssl != null) {
                      InetSocketAddress peer = (InetSocketAddress) remote;
                      // The SslHandler's own timer is a backstop; connect() waits less.
                      NettyTls.addClientHandler(
                          ch,
                          ssl,
                          options.tls() == null
                              ? peer.getHostString()
                              : options.tls().serverName().orElse(peer.getHostString()),
                          peer.getPort(),
                          options.connectTimeout());
                    }
                    handshake.set(net.initClient(ch, side));
                    ch.pipeline().addLast("frames", new FrameDecoder(frameCodec));
                    if (!options.idleTimeout().isZero()) {
                      ch.pipeline()
                          .addLast(
                              "idle",
                              new IdleStateHandler(
                                  options.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
                    }
                    ch.pipeline().addLast("rpcx", new ClientHandler(ClientTransport.this));
                  }
                });
    if (net.isTcpBased()) {
      b.option(ChannelOption.TCP_NODELAY, true);
      NettyTransport.applyKeepAlive(b, options.tcpKeepAlivePeriod(), false);
    }
    ChannelFuture f = net.connect(b, remote, side).awaitUninterruptibly();
    if (!f.isSuccess()) {
      loops.release();
      synchronized (lock) {
        state = state == State.CLOSING ? State.CLOSED : State.NEW;
      }
      throw new ConnectionException(
          "dial " + network + " " + address + ": " + describe(f.cause()), f.cause());
    }
    Channel ch = f.channel();
    ch.closeFuture().addListener(cf -> loops.release());
    if (ssl != null) {
      ConnectionException tlsFailure = awaitHandshake(ch, startNanos);
      if (tlsFailure != null) {
        abandon(ch);
        throw tlsFailure;
      }
    }
    Future<Void> networkHandshake = handshake.get();
    if (networkHandshake != null) {
      ConnectionException failure = awaitNetworkHandshake(networkHandshake, startNanos);
      if (failure != null) {
        abandon(ch);
        throw failure;
      }
    }
    return ch;
  }

  /**
   * Waits for the network's own handshake (http CONNECT, WebSocket upgrade) for what is left of
   * the connect timeout; no frame is written before it is done. Returns null once it succeeded.
   */
  private ConnectionException awaitNetworkHandshake(Future<Void> handshake, long startNanos) {
    long left = options.connectTimeout().toNanos() - (System.nanoTime() - startNanos);
    if (!handshake.awaitUninterruptibly(Math.max(0, left), TimeUnit.NANOSECONDS)) {
      return new ConnectionException(
          "dial "
              + network
              + " "
              + address
              + ": the "
              + network
              + " handshake did not complete within the connect timeout of "
              + options.connectTimeout());
    }
    if (!handshake.isSuccess()) {
      return new ConnectionException(
          "dial " + network + " " + address + ": " + describe(handshake.cause()),
          handshake.cause());
    }
    return null;
  }

  /** Gives up before dialling (the breaker is open): the client may try again later. */
  void abandonBeforeDial() {
    synchronized (lock) {
      state = state == State.CLOSING ? State.CLOSED : State.NEW;
    }
  }

  /** Gives up on a dialled channel that never opened: the connection counts as ended. */
  void abandon(Channel ch) {
    ch.close();
    synchronized (lock) {
      state = state == State.CLOSING ? State.CLOSED : State.ENDED;
    }
  }

  /**
   * Makes a dialled channel the connection: calls go out from now on.
   *
   * @throws ConnectionException when {@link #close()} came first (the channel is closed)
   */
  void open(Channel ch) {
    boolean closedMeanwhile;
    synchronized (lock) {
      writer = new FrameWriter(ch);
      channel = ch;
      closedMeanwhile = state == State.CLOSING;
      if (!closedMeanwhile) {
        state = State.OPEN;
        if (options.heartbeat()) {
          long interval = options.heartbeatInterval().toNanos();
          heartbeatTask =
              ch.eventLoop()
                  .scheduleAtFixedRate(
                      this::sendHeartbeat, interval, interval, TimeUnit.NANOSECONDS);
        }
        if (!options.callTimeout().isZero()) {
          // One sweep per connection instead of a timer per call; it ends calls at most a
          // period late: a tenth of the timeout, between 10 ms and 1 s.
          long period =
              Math.min(
                  TimeUnit.SECONDS.toNanos(1),
                  Math.max(
                      TimeUnit.MILLISECONDS.toNanos(10), options.callTimeout().toNanos() / 10));
          expiryTask =
              ch.eventLoop()
                  .scheduleAtFixedRate(
                      this::expireCallsPastTheCallTimeout, period, period, TimeUnit.NANOSECONDS);
        }
      }
    }
    if (closedMeanwhile) {
      ch.close();
      throw new ConnectionException(ConnectionException.SHUT_DOWN);
    }
    if (!ch.isActive()) {
      // The peer hung up between connect and now: the close listener may have run before the
      // channel was published, so make sure the end is observed.
      onConnectionClosed();
    }
  }

  /**
   * Waits for the TLS handshake on {@code ch} for what is left of the connect timeout, which
   * started at {@code startNanos}. Returns null once it succeeded, else why it did not.
   */
  private ConnectionException awaitHandshake(Channel ch, long startNanos) {
    Future<Channel> handshake = NettyTls.handler(ch).handshakeFuture();
    long left = options.connectTimeout().toNanos() - (System.nanoTime() - startNanos);
    if (!handshake.awaitUninterruptibly(Math.max(0, left), TimeUnit.NANOSECONDS)) {
      return new ConnectionException(
          "TLS handshake with "
              + address
              + " did not complete within the connect timeout of "
              + options.connectTimeout());
    }
    if (!handshake.isSuccess()) {
      return new ConnectionException(
          "TLS handshake with " + address + " failed: " + NettyTls.reason(handshake.cause()),
          handshake.cause());
    }
    return null;
  }

  /**
   * Sends {@code request} for {@code call}: assigns its seq, tracks it until answered, arms its
   * deadline. Failures complete the call through the owner.
   */
  void send(Call<?> call, Message request) {
    long seq = nextSeq.getAndIncrement();
    request.setSeq(seq);
    owner.beforeEncode(request);
    FrameWriter w = writer;
    ByteBuf frame;
    try {
      frame = frameCodec.encode(request, w.alloc());
    } catch (ProtocolException e) {
      owner.finish(call, null, e);
      return;
    }
    if (call.isOneway()) {
      w.write(frame, error -> owner.finish(call, null, error == null ? null : writeFailed(error)));
      return;
    }
    pending.put(seq, call);
    if (!isUsable()) {
      frame.release();
      // close() may have swept the table before this entry went in.
      if (pending.remove(seq, call)) {
        owner.finish(call, null, shutDownError());
      }
      return;
    }
    Deadline deadline = call.context().deadline();
    ScheduledFuture<?> timer = null;
    if (deadline != null) {
      timer =
          channel
              .eventLoop()
              .schedule(
                  () -> {
                    if (pending.remove(seq, call)) {
                      owner.finish(call, null, call.deadlineExceeded());
                    }
                  },
                  deadline.remaining(TimeUnit.NANOSECONDS),
                  TimeUnit.NANOSECONDS);
    }
    ScheduledFuture<?> armed = timer;
    // Cleans up after every outcome, including a caller cancelling the future.
    call.done()
        .whenComplete(
            (r, t) -> {
              pending.remove(seq, call);
              if (armed != null) {
                armed.cancel(false);
              }
              if (state == State.DRAINING && pending.isEmpty()) {
                close();
              }
            });
    // Write failures close the channel, which fails every pending call, this one included.
    w.write(frame, null);
  }

  /** An inbound frame, on the network thread. */
  void onMessage(Message m) {
    owner.afterDecode(m);
    if (!m.isResponse()) {
      if (m.isOneway() && !m.isHeartbeat()) {
        owner.onServerPush(m);
      } else {
        // Go would match it to a call by seq; a request is never an answer, so do not.
        log.warn("dropping request frame {} from server {}: not a push", m, address);
      }
      return;
    }
    Call<?> call = pending.remove(m.seq());
    if (call == null) {
      log.debug("dropping response {}: no call waits for it (timed out or cancelled)", m);
      return;
    }
    owner.onResponse(call, m);
  }

  /** The channel closed, on the network thread. */
  void onConnectionClosed() {
    boolean closing;
    synchronized (lock) {
      if (channel == null) {
        // connect() has not finished (e.g. a failed TLS handshake): it reports the failure, so
        // plugins never hear of a close without a create.
        return;
      }
      if (state == State.ENDED || state == State.CLOSED) {
        return;
      }
      closing = state == State.CLOSING;
      state = closing ? State.CLOSED : State.ENDED;
      if (heartbeatTask != null) {
        heartbeatTask.cancel(false);
      }
      if (expiryTask != null) {
        expiryTask.cancel(false);
      }
    }
    failAllPending(shutDownError());
    owner.onConnectionClosed(closing ? null : shutDownError());
  }

  /** Records why the connection is about to close, for the errors of the calls it fails. */
  void setCloseCause(Throwable cause) {
    if (closeCause == null) {
      closeCause = cause;
    }
  }

  /**
   * Fails every pending call with "connection is shut down" and closes the connection without
   * waiting. Idempotent.
   */
  void close() {
    Channel ch;
    synchronized (lock) {
      switch (state) {
        case CLOSING:
        case CLOSED:
          return;
        case ENDED:
          state = State.CLOSED;
          break;
        case NEW:
          state = State.CLOSED;
          return;
        default:
          // CONNECTING stays CLOSING until connect() sees it and closes what it dialled.
          state = State.CLOSING;
      }
      ch = channel;
    }
    failAllPending(new ConnectionException(ConnectionException.SHUT_DOWN));
    if (ch != null) {
      ch.close();
    }
  }

  /** Closes once no call waits for an answer; the owner sends no new calls. */
  void closeWhenIdle() {
    synchronized (lock) {
      if (state == State.OPEN) {
        state = State.DRAINING;
      }
    }
    if (pending.isEmpty()) {
      close();
    }
  }

  boolean isUsable() {
    State s = state;
    return s == State.OPEN || s == State.DRAINING;
  }

  boolean isClosing() {
    State s = state;
    return s == State.CLOSING || s == State.CLOSED;
  }

  boolean isShutdown() {
    State s = state;
    return s == State.ENDED || s == State.CLOSED;
  }

  /** The error for calls that find the connection gone: says why when the peer ended it. */
  RpcException shutDownError() {
    if (isClosing()) {
      return new ConnectionException(ConnectionException.SHUT_DOWN);
    }
    Throwable cause = closeCause;
    String why = cause == null ? "closed by the peer (unexpected EOF)" : cause.getMessage();
    return new ConnectionException(
        ConnectionException.SHUT_DOWN + ": connection to " + address + " " + why, cause);
  }

  private void sendHeartbeat() {
    if (!isUsable()) {
      return;
    }
    Context ctx = Context.background().withTimeout(options.maxWaitForHeartbeat());
    Call<byte[]> call = new Call<>(ctx, "", "", null, byte[].class);
    byte[] payload = msgpackInt64(unixNanos());
    Message request =
        new Message()
            .setHeartbeat(true)
            // Go sends heartbeats as MsgPack whatever the client's codec; so do we.
            .setSerializeType(SerializeType.MSGPACK)
            .setPayload(payload);
    call.done()
        .whenComplete(
            (echo, error) -> {
              if (error != null) {
                if (isUsable()) {
                  log.warn(
                      "heartbeat to {} failed ({}); closing the connection",
                      address,
                      error.getMessage());
                  setCloseCause(
                      new ConnectionException("heartbeat failed: " + error.getMessage(), error));
                  Channel ch = channel;
                  if (ch != null) {
                    ch.close();
                  }
                }
              } else if (!Arrays.equals(echo, payload)) {
                log.warn("heartbeat echo from {} differs from what was sent", address);
              }
            });
    send(call, request);
  }

  private void failAllPending(RpcException error) {
    for (Long seq : pending.keySet()) {
      Call<?> call = pending.remove(seq);
      if (call != null) {
        owner.finish(call, null, error);
      }
    }
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  private RpcException writeFailed(Throwable error) {
    return new ConnectionException("write to " + address + " failed: " + describe(error), error);
  }

  static String describe(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  private static long unixNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Ends the calls whose {@link ClientOptions#callTimeout()} has passed (event loop). */
  private void expireCallsPastTheCallTimeout() {
    long now = System.nanoTime();
    for (Map.Entry<Long, Call<?>> e : pending.entrySet()) {
      Call<?> call = e.getValue();
      long expiry = call.defaultExpiry;
      if (expiry != 0 && now - expiry >= 0 && pending.remove(e.getKey(), call)) {
        owner.finish(call, null, call.deadlineExceeded());
      }
    }
  }

  /** A msgpack int64 (0xd3 and eight bytes), the encoding Go's heartbeat payload uses. */
  private static byte[] msgpackInt64(long value) {
    return ByteBuffer.allocate(9).put((byte) 0xd3).putLong(value).array();
  }
}
