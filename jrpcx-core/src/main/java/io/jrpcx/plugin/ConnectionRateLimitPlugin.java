package io.jrpcx.plugin;

import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.ServerPlugin;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Limits how fast a server accepts connections, rpcx's {@code RateLimitingPlugin}: one token
 * bucket for the whole server that starts full with {@code capacity} tokens and gains one every
 * {@code fillInterval}; a connection that finds no token is closed as soon as it is accepted,
 * before any of its bytes are read. Connections already open are not affected, and tokens are not
 * returned when connections close: this limits the rate of new connections, not how many are open.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .plugin(IpFilterPlugin.deny("203.0.113.0/24"))              // filter first: denied peers
 *     .plugin(ConnectionRateLimitPlugin.of(Duration.ofMillis(100), 50))  // spend no token
 *     .build();
 * }</pre>
 *
 * <p>Runs on the network thread and costs one compare-and-set per accepted connection. Immutable
 * and thread-safe; one instance is one bucket.
 */
public final class ConnectionRateLimitPlugin implements ServerPlugin.PostConnAccept {
  private final TokenBucket bucket;
  private final LongAdder rejected = new LongAdder();

  ConnectionRateLimitPlugin(TokenBucket bucket) {
    this.bucket = bucket;
  }

  /**
   * Accepts {@code capacity} connections at once plus one per {@code fillInterval}, as Go's
   * {@code NewRateLimitingPlugin(fillInterval, capacity)}.
   *
   * @throws IllegalArgumentException when {@code fillInterval} is not positive or
   *     {@code capacity < 1}
   */
  public static ConnectionRateLimitPlugin of(Duration fillInterval, long capacity) {
    return new ConnectionRateLimitPlugin(new TokenBucket(fillInterval, capacity, System::nanoTime));
  }

  /** Connections closed by this limit so far. */
  public long rejected() {
    return rejected.sum();
  }

  @Override
  public boolean connectionAccepted(ClientConnection connection) {
    if (bucket.tryTake()) {
      return true;
    }
    rejected.increment();
    return false;
  }

  @Override
  public String toString() {
    return "ConnectionRateLimitPlugin[" + bucket + "]";
  }
}
