package io.jrpcx.client;

import io.jrpcx.BreakerOpenException;
import io.jrpcx.CodecException;
import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.Deadline;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.RpcException;
import io.jrpcx.ServiceException;
import io.jrpcx.client.breaker.Breaker;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.FrameCodec;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.jrpcx.transfer.ByteStream;
import io.jrpcx.transfer.FileTransfer;
import io.jrpcx.transfer.SideChannels;
import io.jrpcx.transfer.StreamService;
import io.jrpcx.transfer.TransferProgress;
import io.jrpcx.transport.FrameDecoder;
import io.jrpcx.transport.FrameWriter;
import io.jrpcx.transport.NettyTls;
import io.jrpcx.transport.NettyTransport;
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
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An rpcx client over one connection, rpcx's {@code client.Client}. Talks to Go rpcx servers and
 * jrpcx servers alike.
 *
 * <pre>{@code
 * Client client = new Client(ClientOptions.DEFAULT);
 * client.connect("tcp", "127.0.0.1:8972");
 * Reply reply = client.call(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class);
 * Call<Reply> call = client.go(Context.background(), "Arith", "Mul", args, Reply.class);
 * call.done().thenAccept(r -> ...);
 * client.close();
 * }</pre>
 *
 * <p>Calls are multiplexed over the connection and matched to responses by sequence number, so
 * any number of threads may call at once and responses may arrive in any order. A call whose
 * context has a deadline fails with {@link DeadlineExceededException} when it passes, and sends
 * the remaining time to the server as {@code __ServerTimeout}. A call with no reply type
 * ({@code null}) is oneway: it completes once written and the server never answers.
 *
 * <p>Errors: {@link ServiceException} for an error the service answered,
 * {@link ConnectionException} when the connection failed or was closed (with the message
 * "connection is shut down" after {@link #close()}), {@link CodecException} when arguments or reply
 * do not fit the codec, {@link BreakerOpenException} when the connection's breaker is open.
 *
 * <p>A client connects once; after the connection ends ({@link #isShutdown()}) make a new one.
 * Thread-safe.
 */
public final class Client implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Client.class);
  /** rpcx compresses a request payload only above this size. */
  static final int COMPRESS_THRESHOLD = 1024;

  private final ClientOptions options;
  private final FrameCodec frameCodec;
  private volatile ClientPlugins plugins;
  private final Breaker breaker;
  private final Codec codec;
  private final AtomicLong nextSeq = new AtomicLong();
  private final Map<Long, Call<?>> pending = new ConcurrentHashMap<>();

  private final Object stateLock = new Object();
  private volatile Channel channel;
  private volatile FrameWriter writer;
  private volatile boolean connecting;
  private volatile boolean closing;
  private volatile boolean shutdown;
  private volatile boolean closeWhenIdle;
  private volatile Throwable closeCause;
  private volatile String network = "";
  private volatile String address = "";
  private ScheduledFuture<?> heartbeatTask;

  /** A client with {@link ClientOptions#DEFAULT}. */
  public Client() {
    this(ClientOptions.DEFAULT);
  }

  public Client(ClientOptions options) {
    this(options, options.breakerFactory() == null ? null : options.breakerFactory().get(),
        new ClientPlugins(options.plugins()));
  }

  /**
   * For {@link XClient}: the breaker belongs to the node and outlives this connection, and the
   * plugins are the XClient's.
   */
  Client(ClientOptions options, Breaker breaker, ClientPlugins plugins) {
    this.options = Objects.requireNonNull(options, "options");
    this.frameCodec = new FrameCodec(options.compressors(), options.maxMessageLength(),
        options.maxDecompressedLength());
    this.plugins = plugins;
    this.breaker = breaker;
    this.codec = options.codecs().get(options.serializeType());
  }

  /**
   * Connects to {@code address} over {@code network} ({@code tcp}, {@code tcp4}, {@code tcp6},
   * {@code unix}, or {@code inprocess} for a server in this JVM), waiting at most the connect
   * timeout. With {@link ClientOptions#tls()} it also completes the TLS handshake within that
   * timeout. It blocks, so it must not be called on a
   * network thread, such as in a callback of a {@link Call}'s future.
   *
   * @throws ConnectionException when the connection cannot be made; for a TLS failure the
   *     message reads "TLS handshake with <i>address</i> failed: <i>reason</i>"
   * @throws IllegalStateException when this client connected before or was closed
   * @throws IllegalArgumentException when TLS is configured and the network is not TCP
   */
  public void connect(String network, String address) {
    Objects.requireNonNull(address, "address");
    long startNanos = System.nanoTime();
    boolean tcp = NettyTransport.isTcp(network);
    SslContext ssl = options.tls() == null ? null : NettyTls.clientContext(options.tls());
    if (ssl != null && !tcp) {
      throw new IllegalArgumentException("TLS is supported on tcp networks only, not " + network);
    }
    SharedEventLoopGroup loops = SharedEventLoopGroup.forNetwork(network);
    java.net.SocketAddress remote = NettyTransport.address(network, address);
    synchronized (stateLock) {
      if (closing) {
        throw new IllegalStateException("client is closed");
      }
      if (connecting || channel != null) {
        throw new IllegalStateException("client is already connected to " + this.address);
      }
      connecting = true;
      this.network = network;
      this.address = address;
    }
    if (breaker != null && !breaker.ready()) {
      connecting = false;
      throw new BreakerOpenException("breaker open for " + network + "@" + address);
    }
    EventLoopGroup group = loops.acquire();
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(NettyTransport.clientChannel(network))
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (ssl != null) {
              InetSocketAddress peer = (InetSocketAddress) remote;
              // The SslHandler's own timer is a backstop; connect() waits less (what is left).
              NettyTls.addClientHandler(ch, ssl,
                  options.tls().serverName().orElse(peer.getHostString()), peer.getPort(),
                  options.connectTimeout());
            }
            ch.pipeline().addLast("frames", new FrameDecoder(frameCodec));
            if (!options.idleTimeout().isZero()) {
              ch.pipeline().addLast("idle", new IdleStateHandler(
                  options.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
            }
            ch.pipeline().addLast("rpcx", new ClientHandler(Client.this));
          }
        });
    if (tcp) {
      b.option(ChannelOption.TCP_NODELAY, true);
      NettyTransport.applyKeepAlive(b, options.tcpKeepAlivePeriod(), false);
    }
    ChannelFuture f = b.connect(remote).awaitUninterruptibly();
    if (!f.isSuccess()) {
      loops.release();
      connecting = false;
      ConnectionException e = new ConnectionException(
          "dial " + network + " " + address + ": " + describe(f.cause()), f.cause());
      plugins.connectionCreateFailed(network, address, e);
      if (breaker != null) {
        breaker.fail();
      }
      throw e;
    }
    Channel ch = f.channel();
    ch.closeFuture().addListener(cf -> loops.release());
    if (ssl != null) {
      ConnectionException tlsFailure = awaitHandshake(ch, startNanos);
      if (tlsFailure != null) {
        ch.close();
        synchronized (stateLock) {
          connecting = false;
          shutdown = true;
        }
        plugins.connectionCreateFailed(network, address, tlsFailure);
        if (breaker != null) {
          breaker.fail();
        }
        throw tlsFailure;
      }
    }
    if (breaker != null) {
      breaker.success(); // the node accepted us: a half-open breaker's probe succeeded
    }
    try {
      plugins.connectionCreated(network, address);
    } catch (Exception e) {
      connecting = false;
      ch.close();
      throw new ConnectionException("connection to " + address + " refused by a plugin: "
          + e.getMessage(), e);
    }
    synchronized (stateLock) {
      connecting = false;
      if (closing) {
        ch.close();
        throw new ConnectionException(ConnectionException.SHUT_DOWN);
      }
      writer = new FrameWriter(ch);
      channel = ch;
      if (options.heartbeat()) {
        long interval = options.heartbeatInterval().toNanos();
        heartbeatTask = ch.eventLoop().scheduleAtFixedRate(
            this::sendHeartbeat, interval, interval, TimeUnit.NANOSECONDS);
      }
    }
    if (!ch.isActive()) {
      // The peer hung up between connect and now: the close listener may have run before
      // channel was set, so make sure the shutdown is observed.
      onConnectionClosed(null);
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
      return new ConnectionException("TLS handshake with " + address
          + " did not complete within the connect timeout of " + options.connectTimeout());
    }
    if (!handshake.isSuccess()) {
      return new ConnectionException("TLS handshake with " + address + " failed: "
          + NettyTls.reason(handshake.cause()), handshake.cause());
    }
    return null;
  }

  /**
   * Calls {@code servicePath.serviceMethod} and waits for the reply, at most until the context's
   * deadline. With a null {@code replyType} the call is oneway and returns null once written.
   */
  public <T> T call(Context ctx, String servicePath, String serviceMethod, Object args,
      Class<T> replyType) {
    return this.<T>go(ctx, servicePath, serviceMethod, args, (Type) replyType).await();
  }

  /** {@link #call(Context, String, String, Object, Class)} for generic reply types. */
  public <T> T call(Context ctx, String servicePath, String serviceMethod, Object args,
      Type replyType) {
    return this.<T>go(ctx, servicePath, serviceMethod, args, replyType).await();
  }

  /**
   * Starts a call and returns at once; {@link Call#done()} completes with the reply. With a null
   * {@code replyType} the call is oneway. Never throws for call failures: they complete the call.
   */
  public <T> Call<T> go(Context ctx, String servicePath, String serviceMethod, Object args,
      Class<T> replyType) {
    return go(ctx, servicePath, serviceMethod, args, (Type) replyType);
  }

  /** {@link #go(Context, String, String, Object, Class)} for generic reply types. */
  public <T> Call<T> go(Context ctx, String servicePath, String serviceMethod, Object args,
      Type replyType) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(servicePath, "servicePath");
    Objects.requireNonNull(serviceMethod, "serviceMethod");
    Call<T> call = new Call<>(ctx, servicePath, serviceMethod, args, replyType);
    Message request = new Message()
        .setServicePath(servicePath)
        .setServiceMethod(serviceMethod)
        .setSerializeType(options.serializeType())
        .setOneway(replyType == null);
    if (!ctx.metadata().isEmpty()) {
      request.setMetadata(ctx.metadata());
    }
    plugins.callStarted(call, request, address);
    if (refuseIfUnusable(call)) {
      return call;
    }
    try {
      plugins.preCall(ctx, servicePath, serviceMethod, args);
    } catch (Exception e) {
      finish(call, null, e instanceof RpcException ? e
          : new RpcException("call rejected by a plugin: " + e.getMessage(), e));
      return call;
    }
    byte[] payload;
    try {
      payload = codec.encode(args);
    } catch (CodecException e) {
      finish(call, null, e);
      return call;
    }
    request.setPayload(payload);
    Deadline deadline = ctx.deadline();
    if (deadline != null) {
      // Rounded up, so the server's deadline never falls before ours.
      long nanos = deadline.remaining(TimeUnit.NANOSECONDS);
      request.putMetadata(Message.SERVER_TIMEOUT_KEY,
          Long.toString(Math.max(0, (nanos + 999_999) / 1_000_000)));
    }
    if (options.compressType() != CompressType.NONE && payload.length > COMPRESS_THRESHOLD) {
      request.setCompressType(options.compressType());
    }
    dispatch(call, request);
    return call;
  }

  /** Sends {@code request} for {@code call}: assigns its seq, tracks it, arms its deadline. */
  private void dispatch(Call<?> call, Message request) {
    long seq = nextSeq.getAndIncrement();
    request.setSeq(seq);
    plugins.beforeEncode(request);
    FrameWriter w = writer;
    ByteBuf frame;
    try {
      frame = frameCodec.encode(request, w.alloc());
    } catch (ProtocolException e) {
      finish(call, null, e);
      return;
    }
    if (call.isOneway()) {
      w.write(frame, error -> {
        if (error == null) {
          finish(call, null, null);
        } else {
          finish(call, null, writeFailed(error));
        }
      });
      return;
    }
    pending.put(seq, call);
    if (closing || shutdown) {
      frame.release();
      // close() may have swept the table before this entry went in.
      if (pending.remove(seq, call)) {
        finish(call, null, shutDownError());
      }
      return;
    }
    Deadline deadline = call.context().deadline();
    ScheduledFuture<?> timer = null;
    if (deadline != null) {
      timer = channel.eventLoop().schedule(() -> {
        if (pending.remove(seq, call)) {
          finish(call, null, call.deadlineExceeded());
        }
      }, deadline.remaining(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS);
    }
    ScheduledFuture<?> armed = timer;
    // Cleans up after every outcome, including a caller cancelling the future.
    call.done().whenComplete((r, t) -> {
      pending.remove(seq, call);
      if (armed != null) {
        armed.cancel(false);
      }
      if (closeWhenIdle && pending.isEmpty()) {
        close();
      }
    });
    // Write failures close the channel, which fails every pending call, this one included.
    w.write(frame, null);
  }

  private boolean refuseIfUnusable(Call<?> call) {
    if (closing || shutdown) {
      finish(call, null, shutDownError());
      return true;
    }
    if (writer == null) {
      finish(call, null, new ConnectionException("client is not connected"));
      return true;
    }
    if (breaker != null && !breaker.ready()) {
      finish(call, null, new BreakerOpenException("breaker open for " + network + "@" + address));
      return true;
    }
    Deadline deadline = call.context().deadline();
    if (deadline != null && deadline.isExpired()) {
      finish(call, null, call.deadlineExceeded());
      return true;
    }
    return false;
  }

  /** Completes a call, reporting its outcome to the breaker and the PostCall plugins. */
  private void finish(Call<?> call, Object reply, Throwable error) {
    if (breaker != null) {
      if (error == null || error instanceof ServiceException) {
        breaker.success();
      } else if (!(error instanceof BreakerOpenException) && !closing
          && (error instanceof ConnectionException || error instanceof DeadlineExceededException)) {
        breaker.fail();
      }
    }
    if (plugins.hasPostCall()) {
      plugins.postCall(call.context(), call.servicePath(), call.serviceMethod(), call.args(),
          reply, error);
    }
    if (error == null) {
      call.complete(reply);
    } else {
      call.fail(error);
    }
  }

  /** An inbound frame, on the network thread. */
  void onMessage(Message m) {
    plugins.afterDecode(m);
    if (!m.isResponse()) {
      if (m.isOneway() && !m.isHeartbeat()) {
        onServerPush(m);
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
    call.setResponseMetadata(m.metadata());
    if (m.isError()) {
      Deadline deadline = call.context().deadline();
      if (deadline != null && deadline.isExpired()) {
        // Past its deadline the caller has its answer whichever of the two timers fired first,
        // ours or the server's (which answers calls still running at __ServerTimeout).
        finish(call, null, call.deadlineExceeded());
        return;
      }
      String text = m.errorText();
      finish(call, null, new ServiceException(
          text != null ? text : "rpcx: error response without " + Message.ERROR_KEY));
      return;
    }
    if (m.isHeartbeat()) {
      finish(call, m.payload(), null);
      return;
    }
    Codec replyCodec = options.codecs().get(m.serializeType());
    if (replyCodec == null) {
      finish(call, null, new CodecException(
          "no codec registered for the response's serialize type " + m.serializeType()));
      return;
    }
    Object reply;
    try {
      reply = replyCodec.decode(m.payload(), call.replyType);
    } catch (CodecException e) {
      finish(call, null, e);
      return;
    }
    finish(call, reply, null);
  }

  private void onServerPush(Message m) {
    ServerMessageListener listener = options.serverMessageListener();
    if (listener == null) {
      log.warn("dropping server push {}.{} from {}: no ServerMessageListener configured",
          m.servicePath(), m.serviceMethod(), address);
      return;
    }
    try {
      listener.onMessage(m);
    } catch (RuntimeException e) {
      log.warn("ServerMessageListener failed on {}", m, e);
    }
  }

  /** The channel closed, on the network thread. {@code cause} says why, if known. */
  void onConnectionClosed(Throwable cause) {
    synchronized (stateLock) {
      if (shutdown) {
        return;
      }
      if (connecting) {
        // connect() has not finished (e.g. a failed TLS handshake): it sees the closed channel
        // and reports it, so plugins never hear of a close without a create.
        return;
      }
      shutdown = true;
      if (heartbeatTask != null) {
        heartbeatTask.cancel(false);
      }
    }
    if (cause != null && closeCause == null) {
      closeCause = cause;
    }
    failAllPending(shutDownError());
    plugins.connectionClosed(network, address);
    ServerMessageListener listener = options.serverMessageListener();
    if (listener != null) {
      try {
        listener.onConnectionClosed(address, closing ? null : shutDownError());
      } catch (RuntimeException e) {
        log.warn("ServerMessageListener failed on close", e);
      }
    }
  }

  /** Records why the connection is about to close, for the errors of the calls it fails. */
  void setCloseCause(Throwable cause) {
    if (closeCause == null) {
      closeCause = cause;
    }
  }

  private void sendHeartbeat() {
    if (closing || shutdown) {
      return;
    }
    Context ctx = Context.background().withTimeout(options.maxWaitForHeartbeat());
    Call<byte[]> call = new Call<>(ctx, "", "", null, byte[].class);
    byte[] payload = msgpackInt64(unixNanos());
    Message request = new Message()
        .setHeartbeat(true)
        // Go sends heartbeats as MsgPack whatever the client's codec; so do we.
        .setSerializeType(SerializeType.MSGPACK)
        .setPayload(payload);
    call.done().whenComplete((echo, error) -> {
      if (error != null) {
        if (!closing && !shutdown) {
          log.warn("heartbeat to {} failed ({}); closing the connection", address,
              error.getMessage());
          setCloseCause(new ConnectionException("heartbeat failed: " + error.getMessage(), error));
          Channel ch = channel;
          if (ch != null) {
            ch.close();
          }
        }
      } else if (!Arrays.equals(echo, payload)) {
        log.warn("heartbeat echo from {} differs from what was sent", address);
      }
    });
    dispatch(call, request);
  }

  private void failAllPending(RpcException error) {
    for (Long seq : pending.keySet()) {
      Call<?> call = pending.remove(seq);
      if (call != null) {
        finish(call, null, error);
      }
    }
  }

  // ---- file transfer and streams over rpcx's side channel: see io.jrpcx.transfer ----

  /**
   * Uploads {@code file} with {@code TransferFile} on the server's {@value FileTransfer#DEFAULT_SERVICE_NAME} service, Go's {@code SendFile}: gets a
   * token, then streams the file over the side channel without holding it in memory. The
   * context's deadline bounds the call and the whole transfer.
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
  public long sendFile(Context ctx, Path file, long bytesPerSecond, Map<String, String> meta,
      TransferProgress progress) throws IOException {
    return SideChannels.sendFile((c, m, a, t) -> call(c, FileTransfer.DEFAULT_SERVICE_NAME, m, a, t), options.tls(), ctx, file,
        bytesPerSecond, meta, progress);
  }

  /**
   * Downloads {@code fileName} with {@code DownloadFile} on the server's {@value FileTransfer#DEFAULT_SERVICE_NAME} service, Go's {@code DownloadFile},
   * writing it to {@code sink} as it arrives (the sink is not closed). A name the server
   * refuses (a missing file, say) is an error of the call, where Go's client sees an empty file.
   *
   * @return the bytes written to {@code sink}
   * @throws IOException writing to {@code sink} failed
   * @throws io.jrpcx.ServiceException the server refused the download
   * @throws io.jrpcx.ConnectionException the side channel failed
   * @throws io.jrpcx.DeadlineExceededException the deadline passed
   */
  public long downloadFile(Context ctx, String fileName, OutputStream sink,
      Map<String, String> meta) throws IOException {
    return downloadFile(ctx, fileName, sink, meta, null);
  }

  /** {@link #downloadFile(Context, String, OutputStream, Map)} with progress. */
  public long downloadFile(Context ctx, String fileName, OutputStream sink,
      Map<String, String> meta, TransferProgress progress) throws IOException {
    return SideChannels.downloadFile((c, m, a, t) -> call(c, FileTransfer.DEFAULT_SERVICE_NAME, m, a, t), options.tls(), ctx,
        fileName, sink, meta, progress);
  }

  /**
   * Opens a raw bidirectional byte stream with {@code Stream} on the server's {@value StreamService#DEFAULT_SERVICE_NAME} service, Go's {@code Stream}.
   * The context's deadline bounds the call and the stream's life; the caller closes the stream.
   *
   * @throws io.jrpcx.ServiceException the server refused the stream
   * @throws io.jrpcx.ConnectionException the side channel could not be opened
   */
  public ByteStream stream(Context ctx, Map<String, String> meta) {
    return SideChannels.stream((c, m, a, t) -> call(c, StreamService.DEFAULT_SERVICE_NAME, m, a, t), options.tls(), ctx, meta);
  }

  /**
   * Fails every pending call at once with "connection is shut down" and closes the connection
   * without waiting. Idempotent.
   */
  @Override
  public void close() {
    Channel ch;
    synchronized (stateLock) {
      if (closing) {
        return;
      }
      closing = true;
      ch = channel;
    }
    failAllPending(new ConnectionException(ConnectionException.SHUT_DOWN));
    if (ch != null) {
      ch.close();
    } else if (!connecting) {
      shutdown = true;
    }
  }

  /** Replaces the plugins; calls already sent keep the ones they started with. */
  void usePlugins(ClientPlugins plugins) {
    this.plugins = plugins;
  }

  /**
   * Closes the connection once no call waits for an answer; for a node that left the service
   * list, whose calls in flight should still get their answers. The caller sends no new calls.
   */
  void closeWhenIdle() {
    closeWhenIdle = true;
    if (pending.isEmpty()) {
      close();
    }
  }

  /** Whether calls can be sent: connected, not closed, not shut down. */
  boolean isUsable() {
    return writer != null && !closing && !shutdown;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosing() {
    return closing;
  }

  /** Whether the connection has ended (closed by either side, failed, or never made). */
  public boolean isShutdown() {
    return shutdown;
  }

  /** The address this client connected to, as given to {@link #connect}. */
  public String remoteAddress() {
    return address;
  }

  public ClientOptions options() {
    return options;
  }

  private RpcException shutDownError() {
    if (closing) {
      return new ConnectionException(ConnectionException.SHUT_DOWN);
    }
    Throwable cause = closeCause;
    String why = cause == null ? "closed by the peer (unexpected EOF)" : cause.getMessage();
    return new ConnectionException(
        ConnectionException.SHUT_DOWN + ": connection to " + address + " " + why, cause);
  }

  private RpcException writeFailed(Throwable error) {
    return new ConnectionException("write to " + address + " failed: " + describe(error), error);
  }

  private static String describe(Throwable t) {
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

  /** A msgpack int64 (0xd3 and eight bytes), the encoding Go's heartbeat payload uses. */
  private static byte[] msgpackInt64(long value) {
    return ByteBuffer.allocate(9).put((byte) 0xd3).putLong(value).array();
  }
}
