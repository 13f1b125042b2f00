package io.jrpcx.transfer;

import java.time.Duration;
import java.util.Objects;

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
  public static final class Builder extends SideChannelBuilder<Builder> {
    private StreamHandler handler;
    private StreamAcceptor acceptor = StreamAcceptor.ALL;

    private Builder() {
      super(new Endpoint(Duration.ZERO), DEFAULT_SERVICE_NAME);
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

    /** @throws IllegalStateException without a handler */
    public StreamService build() {
      if (handler == null) {
        throw new IllegalStateException("a StreamService needs a handler");
      }
      return new StreamService(this);
    }
  }
}
