package io.jrpcx.client;

/**
 * What an {@link XClient} does when a call fails in transport, rpcx's {@code FailMode};
 * {@link #value()} is rpcx's number for it.
 *
 * <p>Only transport failures (refused, reset or lost connections, an open breaker, no node) are
 * retried. Errors the service answered and the caller's own deadline are returned at once:
 * retrying them could not help, and could run a non-idempotent method twice.
 */
public enum FailMode {
  /** Retry on another node: up to {@code retries + 1} attempts, each with a fresh selection. */
  FAILOVER(0),
  /** One attempt; the error is returned. */
  FAILFAST(1),
  /** Retry on the same node: up to {@code retries + 1} attempts. */
  FAILTRY(2),
  /**
   * Send a second request to another node (a fresh selection, never the first request's node
   * while another is listed) when the first has not completed within {@code backupLatency}; the
   * first of the two to complete wins.
   */
  FAILBACKUP(3);

  private final int value;

  FailMode(int value) {
    this.value = value;
  }

  /** rpcx's number for this mode. */
  public int value() {
    return value;
  }
}
