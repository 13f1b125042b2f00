package io.jrpcx.benchmark;

import io.jrpcx.codec.SerializeType;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The systems compared, all driven by the same {@link LoadGenerator} with the same message.
 *
 * <ul>
 *   <li>{@code jrpcx-msgpack}, {@code jrpcx-json}: {@link io.jrpcx.client.Client} calling a
 *       {@link io.jrpcx.server.Server}, the message as {@link GoogleMessage1} in MsgPack (rpcx's
 *       default codec) or JSON.
 *   <li>{@code jrpcx-raw}: the same client and server with SerializeNone: the payload is
 *       {@code byte[]}; for the message it carries the protobuf encoding, made and parsed by the
 *       application on both sides (what a protobuf codec would do), for the payload sweep the raw
 *       bytes.
 *   <li>{@code jrpcx-protobuf}: the same client and server with jrpcx-protobuf's codec
 *       (serialize type 2): the message is {@code BenchmarkMessage}, the very protobuf class the
 *       gRPC peer sends, so the two compare on the same serialization.
 *   <li>{@code grpc}: gRPC-java unary calls over grpc-netty-shaded, protobuf messages, default
 *       server executor.
 *   <li>{@code dubbo}: Apache Dubbo 3, its default {@code dubbo} protocol and Hessian2, direct URL
 *       (no registry), asynchronous interface methods, default dispatcher.
 *   <li>{@code jrpcx-http}, {@code jrpcx-ws}, {@code jrpcx-wss}, {@code jrpcx-reuseport}: {@code
 *       jrpcx-msgpack} on another network (the message only): what each network's handshake and
 *       framing cost against tcp. {@code jrpcx-wss} uses a self-signed certificate made by {@code
 *       keytool} at server start, trusted by the client without checks.
 *   <li>{@code netty}: a length-prefixed echo over plain Netty: no RPC layer and no
 *       serialization (the client sends pre-encoded protobuf bytes and only checks the length):
 *       the practical ceiling of the machine.
 * </ul>
 *
 * <p>Every server runs the service on its default handler threads. With {@code
 * -Djrpcx.bench.direct=true} (on the runner and in {@code --server-jvm}) each runs it on its
 * network threads instead: jrpcx's {@code @NonBlocking}, gRPC's {@code directExecutor()}, Dubbo's
 * {@code dispatcher="direct"}.
 */
public enum Peer {
  JRPCX_MSGPACK("jrpcx-msgpack"),
  JRPCX_JSON("jrpcx-json"),
  JRPCX_RAW("jrpcx-raw"),
  JRPCX_PROTOBUF("jrpcx-protobuf"),
  GRPC("grpc"),
  DUBBO("dubbo"),
  NETTY("netty"),
  JRPCX_HTTP("jrpcx-http", "http"),
  JRPCX_WS("jrpcx-ws", "ws"),
  JRPCX_WSS("jrpcx-wss", "wss"),
  JRPCX_REUSEPORT("jrpcx-reuseport", "reuseport"),
  JRPCX_QUIC("jrpcx-quic", "quic"),
  JRPCX_KCP("jrpcx-kcp", "kcp");

  private final String id;

  /** The rpcx network a jrpcx peer runs on. */
  private final String network;

  Peer(String id) {
    this(id, "tcp");
  }

  Peer(String id, String network) {
    this.id = id;
    this.network = network;
  }

  /** The rpcx network of a jrpcx peer: tcp but for the network peers. */
  public String network() {
    return network;
  }

  /** The name used on the command line, in the table and in the JSON. */
  public String id() {
    return id;
  }

  public boolean isJrpcx() {
    return this == JRPCX_MSGPACK
        || this == JRPCX_JSON
        || this == JRPCX_RAW
        || this == JRPCX_PROTOBUF
        || isNetwork();
  }

  /** Whether this is jrpcx on a network other than tcp. */
  boolean isNetwork() {
    return !network.equals("tcp");
  }

  /**
   * Whether this peer takes part in a workload: the payload sweep sends bytes, which jrpcx sends
   * with SerializeNone: {@code jrpcx-raw} on tcp, and the network peers, which carry MsgPack
   * messages and raw payloads so that each network has a calls/s and an MB/s figure.
   */
  public boolean supports(Workload workload) {
    return workload.isMessage()
        || (this != JRPCX_MSGPACK && this != JRPCX_JSON && this != JRPCX_PROTOBUF);
  }

  /** Starts this peer's server on 127.0.0.1 and a free port. */
  PeerServer startServer() throws Exception {
    switch (this) {
      case JRPCX_MSGPACK:
      case JRPCX_JSON:
      case JRPCX_RAW:
      case JRPCX_PROTOBUF:
      case JRPCX_HTTP:
      case JRPCX_WS:
      case JRPCX_WSS:
      case JRPCX_REUSEPORT:
      case JRPCX_QUIC:
      case JRPCX_KCP:
        return JrpcxPeer.startServer(network);
      case GRPC:
        return GrpcPeer.startServer();
      case DUBBO:
        return DubboPeer.startServer();
      case NETTY:
        return NettyEchoPeer.startServer();
      default:
        throw new AssertionError(this);
    }
  }

  /** Connects {@code connections} connections to the server at {@code host:port}. */
  PeerClient connect(String host, int port, int connections, Workload workload) throws Exception {
    if (!supports(workload)) {
      throw new IllegalArgumentException(id + " does not run " + workload);
    }
    switch (this) {
      case JRPCX_MSGPACK:
        return JrpcxPeer.connect(SerializeType.MSGPACK, host, port, connections, workload);
      case JRPCX_JSON:
        return JrpcxPeer.connect(SerializeType.JSON, host, port, connections, workload);
      case JRPCX_RAW:
        return JrpcxPeer.connect(SerializeType.NONE, host, port, connections, workload);
      case JRPCX_PROTOBUF:
        return JrpcxPeer.connect(SerializeType.PROTOBUF, host, port, connections, workload);
      case JRPCX_HTTP:
      case JRPCX_WS:
      case JRPCX_WSS:
      case JRPCX_REUSEPORT:
      case JRPCX_QUIC:
      case JRPCX_KCP:
        int type = workload.isMessage() ? SerializeType.MSGPACK : SerializeType.NONE;
        return JrpcxPeer.connect(type, network, host, port, connections, workload);
      case GRPC:
        return GrpcPeer.connect(host, port, connections, workload);
      case DUBBO:
        return DubboPeer.connect(host, port, connections, workload);
      case NETTY:
        return NettyEchoPeer.connect(host, port, connections, workload);
      default:
        throw new AssertionError(this);
    }
  }

  /** The peer named {@code id}. */
  public static Peer of(String id) {
    for (Peer p : values()) {
      if (p.id.equalsIgnoreCase(id.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown peer '" + id + "'; peers: " + ids());
  }

  /** Every peer's id, comma-separated. */
  public static String ids() {
    return Arrays.stream(values()).map(Peer::id).collect(Collectors.joining(","));
  }

  /** Every peer, in table order. */
  public static List<Peer> all() {
    return List.of(values());
  }
}
