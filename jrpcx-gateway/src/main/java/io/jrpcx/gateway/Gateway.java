package io.jrpcx.gateway;

import io.jrpcx.server.Server;
import io.jrpcx.server.SharedPortProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsHandler;
import java.time.Duration;
import java.util.Objects;

/**
 * rpcx's HTTP gateway and JSON-RPC 2.0, served on the rpcx server's own port. Connections whose
 * first byte is rpcx's {@code 0x08} keep speaking rpcx; every other connection is HTTP/1.1:
 *
 * <pre>{@code
 * Server server = Server.builder().sharePortWith(Gateway.create()).build();
 * server.register("Arith", new Arith(), "");
 * server.start("tcp", "127.0.0.1:8972");
 * }</pre>
 *
 * <p><b>Gateway.</b> {@code GET}, {@code POST} or {@code PUT} on {@code /<servicePath>} with the
 * {@code X-RPCX-*} headers of rpcx's gateway; the body is the payload and the response body is the
 * reply payload. <b>JSON-RPC 2.0</b> when the request has {@code X-JSONRPC-2.0: true}, on any
 * path, with batches. Both run each request through {@link Server#dispatch}: the server's plugins,
 * authenticator ({@code Authorization} becomes {@code __AUTH}), deadlines, executor and error
 * texts apply as on rpcx connections, and {@link Server#shutdown} waits for HTTP calls too.
 *
 * <p>Request bodies are limited to the server's {@link Server#maxMessageLength()} (413 before the
 * body is buffered); {@code Content-Encoding: gzip} and {@code X-RPCX-CompressType} bodies are
 * inflated up to {@link Server#maxDecompressedLength()}. Keep-alive, {@code Expect: 100-continue}
 * and pipelined requests (answered in order) are supported; a request that is not valid HTTP gets
 * 400 and closes its own connection only. With the server's TLS, HTTPS is served.
 *
 * <p>One client cannot hold the server: a request whose headers or body arrive too slowly gets
 * 408 and its connection closes, an idle keep-alive connection closes ({@link
 * Builder#headerTimeout}, {@link Builder#bodyTimeout}, {@link Builder#idleTimeout}); a JSON-RPC
 * batch has at most {@link Builder#maxBatchSize} entries and runs in slices, a few of its calls at
 * a time, beside other clients' calls. Error texts quote at most 256 characters of the client's
 * names and ids.
 *
 * <p>Immutable and thread-safe; one gateway may serve several servers.
 */
public final class Gateway implements SharedPortProtocol {
  /** Default {@link Builder#headerTimeout}. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** Default {@link Builder#bodyTimeout}. */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);

  /** Default {@link Builder#idleTimeout}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** Default {@link Builder#maxBatchSize}. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 1_000;

  private final Cors cors;
  private final Duration headerTimeout;
  private final Duration bodyTimeout;
  private final Duration idleTimeout;
  private final int maxBatchSize;

  private Gateway(Builder b) {
    this.cors = b.cors;
    this.headerTimeout = b.headerTimeout;
    this.bodyTimeout = b.bodyTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxBatchSize = b.maxBatchSize;
  }

  /**
   * Failures of this gateway's connections: counted, and logged at a bounded rate across all of
   * them (per gateway rather than per process, so separate gateways and tests do not share it).
   */
  private final FailureLog failures = new FailureLog(System::nanoTime);

  FailureLog failures() {
    return failures;
  }

  /** A gateway without CORS: browsers on other origins cannot call it. */
  public static Gateway create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The CORS policy, or null when cross-origin browser calls are not allowed. */
  public Cors cors() {
    return cors;
  }

  /** How long a request's line and headers may take from its first byte; zero: no limit. */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /** How long a request's body may take after its headers; zero: no limit. */
  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  /** How long a keep-alive connection may wait for its next request; zero: no limit. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** The most entries a JSON-RPC batch may have. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  @Override
  public void initChannel(Channel channel, Server server) {
    ChannelPipeline p = channel.pipeline();
    String before = CONNECTION_HANDLER;
    HttpTimeouts timeouts = new HttpTimeouts(this);
    p.addBefore(before, "http-timeouts-bytes", timeouts.bytesSeen());
    p.addBefore(before, "http", new HttpServerCodec());
    p.addBefore(before, "http-timeouts", timeouts);
    // Bodies count against the server's one memory budget until their requests are answered.
    p.addBefore(
        before, "http-memory", new HttpMemory(server.memoryBudget(), server.maxMessageLength()));
    // Answers Expect: 100-continue, and 413 from Content-Length alone when the body is too big.
    p.addBefore(before, "http-aggregator", new HttpObjectAggregator(server.maxMessageLength()));
    if (cors != null) {
      p.addBefore(before, "http-cors", new CorsHandler(cors.toNetty()));
    }
    p.addBefore(before, "http-gateway", new HttpConnection(server, this));
  }

  @Override
  public String toString() {
    return "Gateway[cors="
        + cors
        + ", headerTimeout="
        + headerTimeout
        + ", bodyTimeout="
        + bodyTimeout
        + ", idleTimeout="
        + idleTimeout
        + ", maxBatchSize="
        + maxBatchSize
        + "]";
  }

  /** Configures a {@link Gateway}. */
  public static final class Builder {
    private Cors cors;
    private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
    private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;

    private Builder() {}

    /**
     * Lets browsers on other origins call the gateway and JSON-RPC, answering preflight
     * {@code OPTIONS} requests (default: no CORS).
     */
    public Builder cors(Cors cors) {
      this.cors = Objects.requireNonNull(cors, "cors");
      return this;
    }

    /**
     * How long a request's line and headers may take to arrive, counted from its first byte
     * (default 10 s): a client that sends them slowly, or stops halfway, gets 408 Request Timeout
     * and its connection is closed. {@link Duration#ZERO} turns the limit off.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout = checked("headerTimeout", timeout);
      return this;
    }

    /**
     * How long a request's whole body may take to arrive, counted from the end of its headers
     * (default 30 s): a client that trickles it, or stops halfway, gets 408 Request Timeout and
     * its connection is closed. {@link Duration#ZERO} turns the limit off.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public Builder bodyTimeout(Duration timeout) {
      this.bodyTimeout = checked("bodyTimeout", timeout);
      return this;
    }

    /**
     * How long a keep-alive connection may wait for its next request once every request on it
     * has been answered (default 60 s); then it is closed, without a response, as HTTP servers
     * close idle connections. A connection whose answers wait for the client to read them is
     * closed too when no byte of them was taken within it, so that a client that stops reading
     * cannot hold them in memory; one that reads slowly but steadily is not cut. The time a call
     * takes on the server never counts.
     * {@link Duration#ZERO} turns the limit off.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = checked("idleTimeout", timeout);
      return this;
    }

    /**
     * The most entries a JSON-RPC batch may have (default 1,000): a larger batch is answered with
     * one -32600 Invalid Request error naming the limit, and none of its entries runs. It is
     * counted while the body is scanned, so an oversized batch is refused without building a
     * tree of it.
     *
     * @throws IllegalArgumentException when {@code entries} is not positive
     */
    public Builder maxBatchSize(int entries) {
      if (entries <= 0) {
        throw new IllegalArgumentException("maxBatchSize must be positive, was " + entries);
      }
      this.maxBatchSize = entries;
      return this;
    }

    private static Duration checked(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(
            name + " must be positive, or zero for no limit, was " + timeout);
      }
      return timeout;
    }

    public Gateway build() {
      return new Gateway(this);
    }
  }
}
