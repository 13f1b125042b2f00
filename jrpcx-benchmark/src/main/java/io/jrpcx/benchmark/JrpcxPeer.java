package io.jrpcx.benchmark;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jrpcx.Context;
import io.jrpcx.TlsConfig;
import io.jrpcx.benchmark.proto.BenchmarkMessage;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.MsgPackCodec;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protobuf.ProtobufCodec;
import io.jrpcx.server.NonBlocking;
import io.jrpcx.server.Server;
import io.jrpcx.transport.kcp.KcpConfig;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** jrpcx: {@link Server} with the {@link Bench} service, {@link Client}s calling it. */
final class JrpcxPeer {
  static final String SERVICE = "Bench";

  private JrpcxPeer() {}

  /**
   * The benchmark service. {@code Say} takes the message in whatever codec the caller used
   * (MsgPack or JSON), {@code SayProtobuf} takes it as the protobuf class through the Protobuf
   * codec, {@code SayProto} takes and returns its protobuf encoding as raw bytes, {@code Echo}
   * returns the bytes it was sent. Served as is, they run on the handler pool.
   */
  public static class Bench {
    public GoogleMessage1 say(GoogleMessage1 m) {
      return BenchMessages.serve(m);
    }

    public BenchmarkMessage sayProtobuf(BenchmarkMessage m) {
      return BenchMessages.serve(m);
    }

    public byte[] sayProto(byte[] message) throws InvalidProtocolBufferException {
      return BenchMessages.serve(BenchmarkMessage.parseFrom(message)).toByteArray();
    }

    public byte[] echo(byte[] data) {
      return data;
    }
  }

  /**
   * {@link Bench} on the network thread ({@link NonBlocking}), since none of its methods blocks:
   * what gRPC's services get from {@code directExecutor()}.
   */
  @NonBlocking
  public static final class InlineBench extends Bench {}

  /**
   * The most connections one XClient keeps to a node ({@link
   * ClientOptions.Builder#connectionsPerNode(int)}); more (idle-10k) are separate {@link Client}s.
   */
  private static final int MAX_XCLIENT_CONNECTIONS = 1024;

  /** The kcp peer's key: the rpcx examples' one. */
  private static final KcpConfig KCP = KcpConfig.aes(KcpConfig.pbkdf2("rpcx-key", "rpcx-salt"));

  /**
   * A server with the default settings, as users get it, serving {@link Bench} on the handler
   * pool, or {@link InlineBench} with {@code -Djrpcx.bench.direct=true}.
   */
  static PeerServer startServer(String network) throws Exception {
    Server.Builder builder = Server.builder().codecs(codecs());
    if (network.equals("wss") || network.equals("quic")) {
      builder.tls(selfSignedTls());
    }
    if (network.equals("kcp")) {
      builder.plugin(KCP);
    }
    Integer handlerThreads = Integer.getInteger("jrpcx.bench.handlerThreads");
    if (handlerThreads != null) {
      builder.handlerThreads(handlerThreads);
    }
    Executor executor = handlerExecutor(System.getProperty("jrpcx.bench.executor", ""));
    if (executor != null) {
      builder.executor(executor);
    }
    Server server = builder.build();
    server.register(
        SERVICE, Boolean.getBoolean("jrpcx.bench.direct") ? new InlineBench() : new Bench(), "");
    server.start(network, "127.0.0.1:0");
    String address = server.address();
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    return new PeerServer() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() {
        server.close();
      }
    };
  }

  /**
   * The handler executor {@code -Djrpcx.bench.executor} names, or null for the server's own pool:
   * {@code tpe} is the pool before issue 21 (a {@code ThreadPoolExecutor} whose idle threads park
   * in its queue), {@code virtual} a virtual thread per call (Java 21 and later).
   */
  private static Executor handlerExecutor(String name) throws ReflectiveOperationException {
    switch (name) {
      case "":
        return null;
      case "tpe":
        ThreadPoolExecutor pool =
            new ThreadPoolExecutor(
                200,
                200,
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(10_000),
                new DefaultThreadFactory("jrpcx-handler", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
      case "virtual":
        // Through reflection: the benchmark is compiled for Java 17.
        return (Executor) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      default:
        throw new IllegalArgumentException("-Djrpcx.bench.executor: tpe or virtual, not " + name);
    }
  }

  /**
   * A key and self-signed certificate for 127.0.0.1, made by the JDK's {@code keytool} in a
   * temporary directory: the benchmark has no certificate library, and the runs need no trust.
   */
  private static TlsConfig selfSignedTls() throws Exception {
    Path dir = Files.createTempDirectory("jrpcx-bench-tls");
    Path store = dir.resolve("server.p12");
    char[] password = "jrpcx-bench".toCharArray();
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(password),
                "-keypass",
                new String(password))
            .redirectErrorStream(true)
            .start();
    String output =
        new String(
            keytool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, password);
    }
    Files.delete(store);
    Files.delete(dir);
    return TlsConfig.builder().keyManager(keys, password).build();
  }

  /**
   * The default codecs plus Protobuf, or with {@code -Djrpcx.bench.jacksonMsgpack=true} a MsgPack
   * codec that goes through Jackson for every value (as before the plain-class fast path), to
   * measure it.
   */
  private static Codecs codecs() {
    Codecs.Builder codecs = Codecs.defaults().toBuilder().add(new ProtobufCodec());
    if (Boolean.getBoolean("jrpcx.bench.jacksonMsgpack")) {
      codecs.add(new MsgPackCodec(MsgPackCodec.newGoCompatibleMapper()));
    }
    return codecs.build();
  }

  static PeerClient connect(
      int serializeType, String host, int port, int connections, Workload workload)
      throws Exception {
    return connect(serializeType, "tcp", host, port, connections, workload);
  }

  static PeerClient connect(
      int serializeType, String network, String host, int port, int connections, Workload workload)
      throws Exception {
    ClientOptions.Builder builder =
        ClientOptions.DEFAULT.toBuilder()
            .serializeType(serializeType)
            .codecs(codecs())
            .connectTimeout(Duration.ofSeconds(10));
    if (network.equals("wss") || network.equals("quic")) {
      // The server's certificate is made at its start: nothing to check it against.
      builder.tls(TlsConfig.builder().insecureTrustAll().build());
    }
    if (network.equals("kcp")) {
      builder.plugin(KCP);
    }
    String address = new InetSocketAddress(host, port).getHostString() + ":" + port;
    if (connections > 1 && connections <= MAX_XCLIENT_CONNECTIONS && network.equals("tcp")) {
      return connectXClient(builder, address, connections, serializeType, workload);
    }
    ClientOptions options = builder.build();
    List<Client> clients =
        Parallel.open(
            connections,
            i -> {
              Client c = new Client(options);
              try {
                c.connect(network, address);
              } catch (RuntimeException e) {
                c.close();
                throw e;
              }
              return c;
            },
            Client::close);
    Client[] all = clients.toArray(new Client[0]);
    AtomicInteger next = new AtomicInteger();
    return new JrpcxClient(
        new Sender() {
          @Override
          public <T> Call<T> go(Context ctx, String method, Object args, Class<T> replyType) {
            Client c = all[Math.floorMod(next.getAndIncrement(), all.length)];
            return c.go(ctx, SERVICE, method, args, replyType);
          }

          @Override
          public void close() {
            for (Client c : all) {
              c.close();
            }
          }
        },
        serializeType,
        workload);
  }

  /**
   * K connections as users get them from one {@link XClient}: {@link
   * ClientOptions.Builder#connectionsPerNode(int)} K to the one node, calls taking them in turn.
   * One call per connection dials them all before the run starts.
   */
  private static PeerClient connectXClient(
      ClientOptions.Builder builder,
      String address,
      int connections,
      int serializeType,
      Workload workload) {
    XClient x =
        XClient.create(
            SERVICE,
            FailMode.FAILFAST,
            SelectMode.RANDOM_SELECT,
            new Peer2PeerDiscovery("tcp@" + address, ""),
            builder.connectionsPerNode(connections).build());
    JrpcxClient client =
        new JrpcxClient(
            new Sender() {
              @Override
              public <T> Call<T> go(Context ctx, String method, Object args, Class<T> replyType) {
                return x.go(ctx, method, args, replyType);
              }

              @Override
              public void close() {
                x.close();
              }
            },
            serializeType,
            workload);
    try {
      for (int i = 0; i < connections; i++) {
        client.call().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      x.close();
      throw new IllegalStateException("dialing " + connections + " connections failed", e);
    }
    return client;
  }

  /** Sends one call on the connections of a {@link JrpcxClient}. */
  private interface Sender {
    <T> Call<T> go(Context ctx, String method, Object args, Class<T> replyType);

    void close();
  }

  private static final class JrpcxClient implements PeerClient {
    private final Sender sender;
    private final Workload workload;
    private final boolean raw;
    private final boolean protobuf;
    private final GoogleMessage1 message = GoogleMessage1.filled();
    private final BenchmarkMessage proto = message.toProto();
    private final byte[] bytes;

    JrpcxClient(Sender sender, int serializeType, Workload workload) {
      this.sender = sender;
      this.workload = workload;
      this.raw = serializeType == SerializeType.NONE;
      this.protobuf = serializeType == SerializeType.PROTOBUF;
      this.bytes = workload.isMessage() ? null : BenchMessages.bytes(workload.size());
    }

    @Override
    public CompletableFuture<?> call() {
      Sender c = sender;
      Context ctx = Context.background();
      if (!workload.isMessage()) {
        return c.go(ctx, "Echo", bytes, byte[].class)
            .done()
            .thenApply(
                reply -> {
                  if (!BenchMessages.isEcho(bytes, reply)) {
                    throw PeerClient.wrongReply(reply == null ? null : reply.length + " bytes");
                  }
                  return reply;
                });
      }
      if (protobuf) {
        return c.go(ctx, "SayProtobuf", proto, BenchmarkMessage.class)
            .done()
            .thenApply(
                reply -> {
                  if (!BenchMessages.isServed(reply)) {
                    throw PeerClient.wrongReply(reply);
                  }
                  return reply;
                });
      }
      if (raw) {
        // The application encodes and parses protobuf itself, as a protobuf codec would.
        return c.go(ctx, "SayProto", proto.toByteArray(), byte[].class)
            .done()
            .thenApply(
                reply -> {
                  BenchmarkMessage m;
                  try {
                    m = BenchmarkMessage.parseFrom(reply);
                  } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                  }
                  if (!BenchMessages.isServed(m)) {
                    throw PeerClient.wrongReply(m);
                  }
                  return m;
                });
      }
      return c.go(ctx, "Say", message, GoogleMessage1.class)
          .done()
          .thenApply(
              reply -> {
                if (!BenchMessages.isServed(reply)) {
                  throw PeerClient.wrongReply(reply);
                }
                return reply;
              });
    }

    @Override
    public void close() {
      sender.close();
    }
  }
}
