package io.jrpcx.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The settings {@link FileTransfer.Builder} and {@link StreamService.Builder} share: where the side
 * channel listens and what it advertises, the rpcx service name, the tokens and the side-channel
 * connections. Self-typed, so each builder's setters return its own type.
 *
 * @param <B> the concrete builder
 */
abstract class SideChannelBuilder<B extends SideChannelBuilder<B>> {
  final Endpoint endpoint;
  String serviceName;

  SideChannelBuilder(Endpoint endpoint, String serviceName) {
    this.endpoint = endpoint;
    this.serviceName = serviceName;
  }

  /** {@code host:port} the side channel listens on; default {@code 127.0.0.1:0} (any port). */
  public final B address(String hostPort) {
    endpoint.address = Endpoint.hostPort(hostPort, "address");
    return self();
  }

  /**
   * The {@code host:port} clients are told to dial, Go's {@code AdvertiseAddr}: for a side
   * channel behind NAT or a proxy, or bound to a wildcard address. Default: the bound address.
   */
  public final B advertiseAddress(String hostPort) {
    endpoint.advertiseAddress =
        hostPort == null ? null : Endpoint.hostPort(hostPort, "advertiseAddress");
    return self();
  }

  /**
   * The rpcx service name; default Go's, {@value FileTransfer#DEFAULT_SERVICE_NAME} or {@value
   * StreamService#DEFAULT_SERVICE_NAME}.
   */
  public final B serviceName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("service name must not be empty");
    }
    serviceName = name;
    return self();
  }

  /** At most this many tokens are outstanding; issuing one more forgets the oldest. */
  public final B waitNum(int tokens) {
    endpoint.waitNum = Endpoint.atLeastOne(tokens, "waitNum");
    return self();
  }

  /** An unused token is forgotten after this long; default 60 s. */
  public final B tokenExpiry(Duration expiry) {
    endpoint.tokenExpiry = Endpoint.positive(expiry, "tokenExpiry");
    return self();
  }

  /** A side-channel connection must send its whole token within this; default 10 s. */
  public final B tokenReadTimeout(Duration timeout) {
    endpoint.tokenReadTimeout = Endpoint.positive(timeout, "tokenReadTimeout");
    return self();
  }

  /**
   * A transfer or stream with no byte moving for this long fails; zero for none. Default 60 s for
   * file transfers, none for streams (which may rightly stay quiet).
   */
  public final B idleTimeout(Duration timeout) {
    endpoint.idleTimeout = Endpoint.notNegative(timeout, "idleTimeout");
    return self();
  }

  /** Side-channel connections served at once, each on a thread; more are closed; default 64. */
  public final B maxConnections(int connections) {
    endpoint.maxConnections = Endpoint.atLeastOne(connections, "maxConnections");
    return self();
  }

  /**
   * Serves the side channel with the server's TLS settings, advertised as {@code tls@host:port},
   * which jrpcx clients dial with TLS. Go clients cannot use such a side channel (Go's is always
   * plain TCP): keep the default, false, for them.
   */
  public final B tls(boolean tls) {
    endpoint.tls = tls;
    return self();
  }

  /** For tests: the nanosecond clock token expiry is measured with. */
  final B ticker(LongSupplier nanoTime) {
    endpoint.ticker = Objects.requireNonNull(nanoTime, "nanoTime");
    return self();
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
