package io.jrpcx.client.selector;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.List;

/**
 * Smooth weighted round robin over the {@code weight} metadata, in the order the nodes were given.
 */
final class WeightedRoundRobinSelector implements Selector {
  private volatile SmoothWeightedRoundRobin rotation = SmoothWeightedRoundRobin.EMPTY;

  @Override
  public String select(Context ctx, String servicePath, String serviceMethod, Object args) {
    return rotation.pick();
  }

  @Override
  public synchronized void updateServer(List<KVPair> servers) {
    int[] weights = servers.stream().mapToInt(WeightedRoundRobinSelector::weight).toArray();
    rotation = rotation.withNodes(servers.stream().map(KVPair::key).toList(), weights);
  }

  /**
   * The {@code weight} metadata. Like rpcx, a node whose weight is missing or not an integer
   * counts as weight 1; a negative weight counts as 0, which rpcx would add to the total and break
   * the rotation with.
   */
  static int weight(KVPair node) {
    String w = node.metadata("weight");
    if (w == null) {
      return 1;
    }
    try {
      return Math.max(0, Integer.parseInt(w));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
