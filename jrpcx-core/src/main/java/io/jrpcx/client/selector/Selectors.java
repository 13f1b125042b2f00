package io.jrpcx.client.selector;

import java.time.Duration;
import java.util.function.Function;

/**
 * The built-in selectors, one per {@link io.jrpcx.client.SelectMode} except {@code
 * SELECT_BY_USER}. Each call returns a new selector; selectors keep state (counters, weights,
 * probing threads), so an XClient needs its own.
 *
 * <p>Every selector copies the list given to {@link Selector#updateServer} and returns null from
 * {@link Selector#select} while that list is empty. All are thread-safe; {@code select} never
 * blocks on I/O.
 */
public final class Selectors {
  /** How often {@link #weightedLatency()} measures the nodes again. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(30);

  private Selectors() {}

  /** Uniformly at random over the nodes, rpcx's {@code RandomSelect}. */
  public static Selector random() {
    return new RandomSelector();
  }

  /**
   * Each node in turn, rpcx's {@code RoundRobin}. The nodes are taken in key order rather than in
   * the order given, so every client process walks the same sequence; the position is a lock-free
   * counter.
   */
  public static Selector roundRobin() {
    return new RoundRobinSelector();
  }

  /**
   * nginx's smooth weighted round robin over the {@code weight} metadata, rpcx's {@code
   * WeightedRoundRobin}: weights 5, 1, 1 for nodes a, b, c (in the order given) pick a a b a c a a
   * and repeat. A missing or non-integer weight counts as 1 and a negative one as 0; when every
   * weight is 0 all count as 1 (rpcx panics there). A node that stays through a list change keeps
   * its place in the rotation.
   */
  public static Selector weightedRoundRobin() {
    return new WeightedRoundRobinSelector();
  }

  /**
   * {@link #weightedLatency(Duration)} measuring every {@link #DEFAULT_PROBE_INTERVAL}.
   */
  public static Selector weightedLatency() {
    return weightedLatency(DEFAULT_PROBE_INTERVAL);
  }

  /**
   * Smooth weighted round robin with weights from measured round-trip times, rpcx's {@code
   * WeightedICMP}. rpcx pings each node; a JVM without privileges cannot send ICMP, so this times
   * three TCP connects (3 s timeout each) to the node's address and averages them. rpcx's table
   * turns the average into a weight: up to 10 ms 191; up to 200 ms 201 minus the time; below 1 s
   * 1; otherwise, or when a connect fails, 0. Nodes on networks a TCP connect cannot reach (unix,
   * quic, kcp) weigh 191.
   *
   * <p>Measuring runs on a daemon thread the selector owns, never in the caller: after each list
   * change and every {@code probeInterval} (rpcx measures only on list changes). Until a node is
   * first measured it weighs 191, so before the first results every node weighs the same. When
   * every node weighs 0 all count as 1 (rpcx stops selecting there). {@link Selector#close()}
   * stops the thread.
   *
   * @throws IllegalArgumentException if {@code probeInterval} is not positive
   */
  public static Selector weightedLatency(Duration probeInterval) {
    return WeightedLatencySelector.withTcpProbe(probeInterval);
  }

  /**
   * {@link #consistentHash(Function)} with the default text of the arguments: {@code <nil>} for
   * null; {@code toString} for strings, numbers, booleans, characters, enums and classes that
   * override {@code toString}; JSON (maps sorted by key) for everything else, including arrays and
   * collections. Give your own when the arguments should be routed by one field only.
   */
  public static Selector consistentHash() {
    return new ConsistentHashSelector(new ArgsKey());
  }

  /**
   * The same node for the same call, rpcx's {@code ConsistentHash}: the FNV-1a 64 hash of {@code
   * "/" + servicePath + "/" + serviceMethod + "/" + keyOf(args)}, as rpcx forms it, chooses a node
   * by rendezvous hashing instead of rpcx's jump hash. The choice depends only on the set of nodes,
   * not on their order, so every client process agrees (rpcx's does not); a new node takes about
   * 1/(n+1) of the keys and a removed node gives up only its own.
   *
   * @param keyOf the text of a call's arguments; must give equal text for arguments that should
   *     reach the same node, in every process
   */
  public static Selector consistentHash(Function<Object, String> keyOf) {
    return new ConsistentHashSelector(keyOf);
  }

  /**
   * The node nearest to a client at {@code latitude}, {@code longitude} (degrees), rpcx's {@code
   * Closest}: haversine great-circle distance, Earth radius 6 378 100 m, to each node's {@code
   * latitude} and {@code longitude} metadata. Nodes missing either, or with one that is not a
   * number, are left out; equally near nodes are chosen at random. When no node has a position,
   * any node is chosen at random, where rpcx chooses none.
   *
   * @throws IllegalArgumentException if a coordinate is not a finite number
   */
  public static Selector closest(double latitude, double longitude) {
    if (!Double.isFinite(latitude) || !Double.isFinite(longitude)) {
      throw new IllegalArgumentException(
          "position must be finite, got " + latitude + ", " + longitude);
    }
    return new ClosestSelector(latitude, longitude);
  }
}
