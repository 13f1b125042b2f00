package io.jrpcx.gateway;

import io.jrpcx.server.Server;
import io.jrpcx.server.SharedPortProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsHandler;
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
 * <p>Immutable and thread-safe; one gateway may serve several servers.
 */
public final class Gateway implements SharedPortProtocol {
  private final Cors cors;

  private Gateway(Builder b) {
    this.cors = b.cors;
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

  @Override
  public void initChannel(Channel channel, Server server) {
    ChannelPipeline p = channel.pipeline();
    String before = CONNECTION_HANDLER;
    p.addBefore(before, "http", new HttpServerCodec());
    // Answers Expect: 100-continue, and 413 from Content-Length alone when the body is too big.
    p.addBefore(before, "http-aggregator", new HttpObjectAggregator(server.maxMessageLength()));
    if (cors != null) {
      p.addBefore(before, "http-cors", new CorsHandler(cors.toNetty()));
    }
    p.addBefore(before, "http-gateway", new HttpConnection(server, cors != null));
  }

  @Override
  public String toString() {
    return "Gateway[cors=" + cors + "]";
  }

  /** Configures a {@link Gateway}. */
  public static final class Builder {
    private Cors cors;

    private Builder() {}

    /**
     * Lets browsers on other origins call the gateway and JSON-RPC, answering preflight
     * {@code OPTIONS} requests (default: no CORS).
     */
    public Builder cors(Cors cors) {
      this.cors = Objects.requireNonNull(cors, "cors");
      return this;
    }

    public Gateway build() {
      return new Gateway(this);
    }
  }
}
