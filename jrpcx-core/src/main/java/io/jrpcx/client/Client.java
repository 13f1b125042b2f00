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
import io.jrpcx.internal.NettyTls;
import io.jrpcx.internal.Network;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Message;
import io.jrpcx.registry.GoQuery;
import io.jrpcx.transfer.ByteStream;
import io.jrpcx.transfer.FileTransfer;
import io.jrpcx.transfer.SideChannels;
import io.jrpcx.transfer.StreamService;
import io.jrpcx.transfer.TransferProgress;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
  private volatile ClientPlugins plugins;
  private final Breaker breaker;
  private final Codec codec;
  private final ClientTransport transport;

  /** A client with {@link ClientOptions#DEFAULT}. */
  public Client() {
    this(ClientOptions.DEFAULT);
  }

  public Client(ClientOptions options) {
    this(
        options,
        options.breakerFactory() == null ? null : options.breakerFactory().get(),
        new ClientPlugins(options.plugins()));
  }

  /**
   * For {@link XClient}: the breaker belongs to the node and outlives this connection, and the
   * plugins are the XClient's.
   */
  Client(ClientOptions options, Breaker breaker, ClientPlugins plugins) {
    this.options = Objects.requireNonNull(options, "options");
    this.plugins = plugins;
    this.breaker = breaker;
    this.codec = options.codecs().get(options.serializeType());
    this.transport = new ClientTransport(this, options);
  }

  /**
   * Connects to {@code address} over {@code network} ({@code tcp}, {@code tcp4}, {@code tcp6},
   * {@code unix}, {@code http}, {@code ws}, {@code wss}, {@code reuseport} (dialled as tcp),
   * {@code quic} (with the module jrpcx-transport-quic) or {@code inprocess} for a server in this
   * JVM), waiting at most the connect timeout. With {@link ClientOptions#tls()} (and always on
   * {@code wss} and {@code quic}, with the JDK's trusted CAs when it is null) it also completes
   * the TLS handshake, and on
   * {@code http}, {@code ws} and {@code wss} the network's handshake on {@link
   * ClientOptions#rpcPath()}, within that timeout. It blocks, so it must not be called on a network thread, such as in a callback of a
   * {@link Call}'s future.
   *
   * @throws ConnectionException when the connection cannot be made; for a TLS failure the
   *     message reads "TLS handshake with <i>address</i> failed: <i>reason</i>"
   * @throws IllegalStateException when this client connected before or was closed
   * @throws IllegalArgumentException when the network is unknown (naming the module to add for
   *     {@code quic} and {@code kcp}), or TLS is configured and the network is not TCP-based
   */
  public void connect(String network, String address) {
    Objects.requireNonNull(address, "address");
    long startNanos = System.nanoTime();
    Network net = Network.of(network);
    // A network with TLS of its own (quic) takes the TlsConfig itself: no SslContext for it.
    SslContext ssl =
        options.tls() == null || net.ownsTls() ? null : NettyTls.clientContext(options.tls());
    if (options.tls() != null && !net.isTcpBased() && !net.ownsTls()) {
      throw new IllegalArgumentException(
          "TLS is supported on TCP-based networks (tcp, http, ws, "
              + "wss, reuseport), not "
              + network);
    }
    if (ssl == null && net.requiresTls() && !net.ownsTls()) {
      // As Go's client with no TLS config: the JDK's trusted certificates and host name checks.
      ssl = NettyTls.clientContext(NettyTls.DEFAULT_CLIENT);
    }
    transport.beginConnect(network, address);
    if (breaker != null && !breaker.ready()) {
      transport.abandonBeforeDial();
      throw new BreakerOpenException("breaker open for " + network + "@" + address);
    }
    Channel ch;
    try {
      ch = transport.dial(ssl, startNanos);
    } catch (ConnectionException e) {
      plugins.connectionCreateFailed(network, address, e);
      if (breaker != null) {
        breaker.fail();
      }
      throw e;
    }
    if (breaker != null) {
      breaker.success(); // the node accepted us: a half-open breaker's probe succeeded
    }
    try {
      plugins.connectionCreated(network, address);
    } catch (Exception e) {
      transport.abandon(ch);
      throw new ConnectionException(
          "connection to " + address + " refused by a plugin: " + e.getMessage(), e);
    }
    transport.open(ch);
  }

  /**
   * Calls {@code servicePath.serviceMethod} and waits for the reply, at most until the context's
   * deadline. With a null {@code replyType} the call is oneway and returns null once written.
   */
  public <T> T call(
      Context ctx, String servicePath, String serviceMethod, Object args, Class<T> replyType) {
    return this.<T>go(ctx, servicePath, serviceMethod, args, (Type) replyType).await();
  }

  /**
   * {@link #call(Context, String, String, Object, Class)} for a reply type with type arguments:
   * a {@link io.jrpcx.TypeRef}, e.g. {@code new TypeRef<List<Item>>() {}}, or any {@link Type}.
   */
  public <T> T call(
      Context ctx, String servicePath, String serviceMethod, Object args, Type replyType) {
    return this.<T>go(ctx, servicePath, serviceMethod, args, replyType).await();
  }

  /**
   * Starts a call and returns at once; {@link Call#done()} completes with the reply. With a null
   * {@code replyType} the call is oneway. Never throws for call failures: they complete the call.
   */
  public <T> Call<T> go(
      Context ctx, String servicePath, String serviceMethod, Object args, Class<T> replyType) {
    return go(ctx, servicePath, serviceMethod, args, (Type) replyType);
  }

  /**
   * {@link #go(Context, String, String, Object, Class)} for a reply type with type arguments: a
   * {@link io.jrpcx.TypeRef} or any {@link Type}.
   */
  public <T> Call<T> go(
      Context ctx, String servicePath, String serviceMethod, Object args, Type replyType) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(servicePath, "servicePath");
    Objects.requireNonNull(serviceMethod, "serviceMethod");
    Call<T> call = new Call<>(ctx, servicePath, serviceMethod, args, replyType);
    if (replyType != null && ctx.deadline() == null && !options.callTimeout().isZero()) {
      // Enforced by the connection's sweep and never sent, so the request stays byte for byte
      // what Go's client sends; only the caller's own deadline goes out as __ServerTimeout.
      long expiry = System.nanoTime() + options.callTimeout().toNanos();
      call.defaultExpiry = expiry == 0 ? 1 : expiry; // 0 means none
    }
    Message request =
        new Message()
            .setServicePath(servicePath)
            .setServiceMethod(serviceMethod)
            .setSerializeType(options.serializeType())
            .setOneway(replyType == null);
    if (!ctx.metadata().isEmpty()) {
      request.setMetadata(ctx.metadata());
    }
    plugins.callStarted(call, request, transport.address());
    if (refuseIfUnusable(call)) {
      return call;
    }
    try {
      plugins.preCall(ctx, servicePath, serviceMethod, args);
    } catch (Exception e) {
      finish(
          call,
          null,
          e instanceof RpcException
              ? e
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
      request.putMetadata(
          Message.SERVER_TIMEOUT_KEY, Long.toString(Math.max(0, (nanos + 999_999) / 1_000_000)));
    }
    if (options.compressType() != CompressType.NONE && payload.length > COMPRESS_THRESHOLD) {
      request.setCompressType(options.compressType());
    }
    transport.send(call, request);
    return call;
  }

  private boolean refuseIfUnusable(Call<?> call) {
    switch (transport.state()) {
      case OPEN:
      case DRAINING:
        break;
      case NEW:
      case CONNECTING:
        finish(call, null, new ConnectionException("client is not connected"));
        return true;
      default:
        finish(call, null, transport.shutDownError());
        return true;
    }
    if (breaker != null && !breaker.ready()) {
      finish(
          call,
          null,
          new BreakerOpenException(
              "breaker open for " + transport.network() + "@" + transport.address()));
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
  void finish(Call<?> call, Object reply, Throwable error) {
    if (breaker != null) {
      if (error == null || error instanceof ServiceException) {
        breaker.success();
      } else if (!(error instanceof BreakerOpenException)
          && !transport.isClosing()
          && (error instanceof ConnectionException || error instanceof DeadlineExceededException)) {
        breaker.fail();
      }
    }
    if (plugins.hasPostCall()) {
      plugins.postCall(
          call.context(), call.servicePath(), call.serviceMethod(), call.args(), reply, error);
    }
    if (error == null) {
      call.complete(reply);
    } else {
      call.fail(error);
    }
  }

  void beforeEncode(Message request) {
    plugins.beforeEncode(request);
  }

  void afterDecode(Message m) {
    plugins.afterDecode(m);
  }

  /** The answer to {@code call}, on the network thread: decoded into the reply or an error. */
  void onResponse(Call<?> call, Message m) {
    call.setResponseMetadata(m.metadata());
    if (m.isError()) {
      Deadline deadline = call.context().deadline();
      if (deadline != null && deadline.isExpired()) {
        // Past its deadline the caller has its answer whichever of the two timers fired first,
        // ours or the server's (which answers calls still running at __ServerTimeout).
        finish(call, null, call.deadlineExceeded());
        return;
      }
      finish(call, null, serviceError(m));
      return;
    }
    if (m.isHeartbeat()) {
      finish(call, m.payload(), null);
      return;
    }
    Codec replyCodec = options.codecs().get(m.serializeType());
    if (replyCodec == null) {
      finish(
          call,
          null,
          new CodecException(
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

  /** The error an error response carries: rpcx's text, and jrpcx's code and details if sent. */
  static ServiceException serviceError(Message m) {
    String text = m.errorText();
    if (text == null) {
      text = "rpcx: error response without " + Message.ERROR_KEY;
    }
    String code = m.metadata(Message.ERROR_CODE_KEY);
    String encoded = m.metadata(Message.ERROR_DETAILS_KEY);
    if ((code == null || code.isEmpty()) && encoded == null) {
      return new ServiceException(text);
    }
    Map<String, String> details = new LinkedHashMap<>();
    if (encoded != null) {
      // Malformed details cost the caller the details, not the error itself.
      GoQuery.parseOrEmpty(encoded).forEach((k, v) -> details.put(k, v.get(0)));
    }
    return ServiceException.of(code == null || code.isEmpty() ? null : code, text, details);
  }

  void onServerPush(Message m) {
    ServerMessageListener listener = options.serverMessageListener();
    if (listener == null) {
      log.warn(
          "dropping server push {}.{} from {}: no ServerMessageListener configured",
          m.servicePath(),
          m.serviceMethod(),
          transport.address());
      return;
    }
    try {
      listener.onMessage(m);
    } catch (RuntimeException e) {
      log.warn("ServerMessageListener failed on {}", m, e);
    }
  }

  /** The connection ended; {@code error} is null when {@link #close()} ended it. */
  void onConnectionClosed(RpcException error) {
    plugins.connectionClosed(transport.network(), transport.address());
    ServerMessageListener listener = options.serverMessageListener();
    if (listener != null) {
      try {
        listener.onConnectionClosed(transport.address(), error);
      } catch (RuntimeException e) {
        log.warn("ServerMessageListener failed on close", e);
      }
    }
  }

  // ---- file transfer and streams over rpcx's side channel: see io.jrpcx.transfer ----

  /**
   * Uploads {@code file} with {@code TransferFile} on the server's
   * {@value FileTransfer#DEFAULT_SERVICE_NAME} service, Go's {@code SendFile}: gets a token, then
   * streams the file over the side channel without holding it in memory. The context's deadline
   * bounds the call and the whole transfer.
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
        (c, m, a, t) -> call(c, FileTransfer.DEFAULT_SERVICE_NAME, m, a, t),
        options.tls(),
        ctx,
        file,
        bytesPerSecond,
        meta,
        progress);
  }

  /**
   * Downloads {@code fileName} with {@code DownloadFile} on the server's
   * {@value FileTransfer#DEFAULT_SERVICE_NAME} service, Go's {@code DownloadFile}, writing it to
   * {@code sink} as it arrives (the sink is not closed). A name the server refuses (a missing
   * file, say) is an error of the call, where Go's client sees an empty file.
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
        (c, m, a, t) -> call(c, FileTransfer.DEFAULT_SERVICE_NAME, m, a, t),
        options.tls(),
        ctx,
        fileName,
        sink,
        meta,
        progress);
  }

  /**
   * Opens a raw bidirectional byte stream with {@code Stream} on the server's
   * {@value StreamService#DEFAULT_SERVICE_NAME} service, Go's {@code Stream}.
   * The context's deadline bounds the call and the stream's life; the caller closes the stream.
   *
   * @throws io.jrpcx.ServiceException the server refused the stream
   * @throws io.jrpcx.ConnectionException the side channel could not be opened
   */
  public ByteStream stream(Context ctx, Map<String, String> meta) {
    return SideChannels.stream(
        (c, m, a, t) -> call(c, StreamService.DEFAULT_SERVICE_NAME, m, a, t),
        options.tls(),
        ctx,
        meta);
  }

  /**
   * Fails every pending call at once with "connection is shut down" and closes the connection
   * without waiting. Idempotent.
   */
  @Override
  public void close() {
    transport.close();
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
    transport.closeWhenIdle();
  }

  /** Whether calls can be sent: connected, not closed, not shut down. */
  boolean isUsable() {
    return transport.isUsable();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosing() {
    return transport.isClosing();
  }

  /** Whether the connection has ended (closed by either side, failed, or never made). */
  public boolean isShutdown() {
    return transport.isShutdown();
  }

  /** The address this client connected to, as given to {@link #connect}. */
  public String remoteAddress() {
    return transport.address();
  }

  public ClientOptions options() {
    return options;
  }
}
