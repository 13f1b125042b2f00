package io.jrpcx.client;

/**
 * How an {@link XClient} picks the node for a call, rpcx's {@code SelectMode}; {@link #value()} is
 * rpcx's number for it.
 */
public enum SelectMode {
  /** Uniformly at random. */
  RANDOM_SELECT(0),
  /** Each node in turn. */
  ROUND_ROBIN(1),
  /** nginx's smooth weighted round robin over the {@code weight} metadata (default 1). */
  WEIGHTED_ROUND_ROBIN(2),
  /**
   * Smooth weighted round robin with weights from measured round-trip times (rpcx pings; jrpcx
   * times TCP connects, which needs no privileges), re-measured periodically.
   */
  WEIGHTED_ICMP(3),
  /** The same node for the same service, method and arguments, in every client process. */
  CONSISTENT_HASH(4),
  /**
   * The node nearest to the client by {@code latitude}/{@code longitude} metadata; set the
   * client's position with {@code XClient.configGeoSelector}.
   */
  CLOSEST(5),
  /** A user-defined {@link io.jrpcx.client.selector.Selector} set with {@code XClient.setSelector}. */
  SELECT_BY_USER(1000);

  private final int value;

  SelectMode(int value) {
    this.value = value;
  }

  /** rpcx's number for this mode. */
  public int value() {
    return value;
  }
}
