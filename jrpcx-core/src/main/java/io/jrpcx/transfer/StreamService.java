package io.jrpcx.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Raw bidirectional streams over rpcx's side channel, Go's {@code server.StreamService}: enabled
 * on a server with {@code server.enableStreamService(streamService)}, which serves
 * {@code _streamservice.Stream} and listens on its own {@link Builder#address address}.
 *
 * <pre>{@code
 * server.enableStreamService(StreamService.builder()
 *     .handler((stream, meta) -> stream.input().transferTo(stream.output()))   // echo
 *     .build());
 * }</pre>
 *
 * <p>The call answers with a single-use 32-byte token and the address; the client connects,
 * writes the token and then owns a plain byte stream to the {@link StreamHandler}. An {@link
 * Builder#acceptor acceptor} may refuse a stream: the call then fails with Go's text {@value
 * #REFUSED}. Tokens behave as in {@link FileTransfer}.
 *
 * <p>Immutable; build with {@link #builder()}.
 */
public final class StreamService {
  /** The service name Go's clients call, {@code share.StreamServiceName}. */
  public static final String DEFAULT_SERVICE_NAME = "_streamservice";

  /** The error text of a refused stream, as Go's server writes it. */
  public static final String REFUSED = "server refused the connection";

  final Endpoint endpoint;
  final String serviceName;
  final StreamHandler handler;
  final StreamAcceptor acceptor;

  private StreamService(Builder b) {
    this.endpoint = b.endpoint.copy();
    this.serviceName = b.serviceName;
    this.handler = b.handler;
    this.acceptor = b.acceptor;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The rpcx service name the call is served under. */
  public String serviceName() {
    return serviceName;
  }

  /** The address the side channel binds. */
  public String address() {
    return endpoint.address;
  }

  @Override
  public String toString() {
    return "StreamService{"
        + serviceName
        + " on "
        + endpoint.address
        + (endpoint.advertiseAddress == null ? "" : " as " + endpoint.advertiseAddress)
        + (endpoint.tls ? " with TLS" : "")
        + "}";
  }

  /** Configures a {@link StreamService}; every setting but the handler has a default. */
  public static final class Builder {
    private final Endpoint endpoint = new Endpoint(Duration.ZERO);
    private String serviceName = DEFAULT_SERVICE_NAME;
    private StreamHandler handler;
    private StreamAcceptor acceptor = StreamAcceptor.ALL;

    private Builder() {}

    /** {@code host:port} the side channel listens on; default {@code 127.0.0.1:0} (any port). */
    public Builder address(String hostPort) {
      endpoint.address = Endpoint.hostPort(hostPort, "address");
      return this;
    }

    /** The {@code host:port} clients are told to dial, Go's {@code AdvertiseAddr}. */
    public Builder advertiseAddress(String hostPort) {
      endpoint.advertiseAddress =
          hostPort == null ? null : Endpoint.hostPort(hostPort, "advertiseAddress");
      return this;
    }

    /** The rpcx service name; default {@value StreamService#DEFAULT_SERVICE_NAME}, as in Go. */
    public Builder serviceName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("service name must not be empty");
      }
      serviceName = name;
      return this;
    }

    /** Serves each stream; required. */
    public Builder handler(StreamHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Decides in the call whether a stream is opened; default: every one. */
    public Builder acceptor(StreamAcceptor acceptor) {
      this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
      return this;
    }

    /** At most this many tokens are outstanding; issuing one more forgets the oldest. */
    public Builder waitNum(int tokens) {
      endpoint.waitNum = Endpoint.atLeastOne(tokens, "waitNum");
      return this;
    }

    /** An unused token is forgotten after this long; default 60 s. */
    public Builder tokenExpiry(Duration expiry) {
      endpoint.tokenExpiry = Endpoint.positive(expiry, "tokenExpiry");
      return this;
    }

    /** A side-channel connection must send its whole token within this; default 10 s. */
    public Builder tokenReadTimeout(Duration timeout) {
      endpoint.tokenReadTimeout = Endpoint.positive(timeout, "tokenReadTimeout");
      return this;
    }

    /** A stream with nothing to read for this long fails; default zero, none. */
    public Builder idleTimeout(Duration timeout) {
      endpoint.idleTimeout = Endpoint.notNegative(timeout, "idleTimeout");
      return this;
    }

    /** Streams served at once, each on a thread; more are closed; default 64. */
    public Builder maxConnections(int connections) {
      endpoint.maxConnections = Endpoint.atLeastOne(connections, "maxConnections");
      return this;
    }

    /**
     * Serves the side channel with the server's TLS settings, advertised as
     * {@code tls@host:port}; Go clients cannot use it. Default false.
     */
    public Builder tls(boolean tls) {
      endpoint.tls = tls;
      return this;
    }

    /** For tests: the nanosecond clock token expiry is measured with. */
    Builder ticker(LongSupplier nanoTime) {
      endpoint.ticker = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** @throws IllegalStateException without a handler */
    public StreamService build() {
      if (handler == null) {
        throw new IllegalStateException("a StreamService needs a handler");
      }
      return new StreamService(this);
    }
  }
}
