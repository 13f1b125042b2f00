package io.jrpcx.client.selector;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nginx's smooth weighted round robin over one node list, the part shared by the weighted
 * selectors. Each pick adds every node's weight to its current weight, takes the node with the
 * highest current weight (the first in list order on a tie) and subtracts the total weight from it.
 * The picks repeat every {@code total} picks, each node chosen {@code weight} times per cycle and
 * spread out rather than in bursts: weights 5, 1, 1 give a a b a c a a.
 *
 * <p>The nodes and weights are fixed; a new list makes a new instance with {@link #withNodes},
 * which carries over the current weights of the nodes that stay, so a list change does not restart
 * the sequence. Picks lock the instance: rpcx precomputes a ring of {@code total} picks instead, but
 * {@code total} is unbounded when weights come from metadata.
 */
final class SmoothWeightedRoundRobin {
  static final SmoothWeightedRoundRobin EMPTY =
      new SmoothWeightedRoundRobin(new String[0], new int[0], new long[0]);

  private final String[] keys;
  private final int[] weights;
  private final long total;

  /** Guarded by this. */
  private final long[] current;

  private SmoothWeightedRoundRobin(String[] keys, int[] weights, long[] current) {
    this.keys = keys;
    this.weights = weights;
    this.current = current;
    long sum = 0;
    for (int w : weights) {
      sum += w;
    }
    this.total = sum;
  }

  /**
   * A rotation over {@code keys} with {@code weights} (same length, none negative) that keeps the
   * current weights this rotation had for the keys in both. When every weight is zero, every
   * weight counts as one: Go rpcx panics there, and spreading the calls serves callers better than
   * failing them all.
   */
  SmoothWeightedRoundRobin withNodes(List<String> keys, int[] weights) {
    if (keys.size() != weights.length) {
      throw new IllegalArgumentException(keys.size() + " keys but " + weights.length + " weights");
    }
    int[] w = weights.clone();
    if (Arrays.stream(w).allMatch(x -> x == 0)) {
      Arrays.fill(w, 1);
    }
    String[] k = keys.toArray(new String[0]);
    long[] carried = new long[k.length];
    synchronized (this) {
      if (this.keys.length > 0) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < this.keys.length; i++) {
          index.put(this.keys[i], i);
        }
        for (int i = 0; i < k.length; i++) {
          Integer old = index.get(k[i]);
          // A node weighted zero is never picked, so whatever it had saved up would be released
          // all at once if its weight came back; it starts afresh instead.
          if (old != null && w[i] > 0) {
            carried[i] = current[old];
          }
        }
      }
    }
    return new SmoothWeightedRoundRobin(k, w, carried);
  }

  /** The next node's key, or null when there are no nodes. */
  String pick() {
    int n = keys.length;
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return keys[0];
    }
    synchronized (this) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        // Skipping zero weights matters when a node's weight dropped to zero: a current weight
        // carried over from before must not keep winning.
        if (weights[i] == 0) {
          continue;
        }
        current[i] += weights[i];
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      return keys[best];
    }
  }

  /** The effective weight of every node, in list order. */
  Map<String, Integer> weights() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      out.put(keys[i], weights[i]);
    }
    return out;
  }
}
