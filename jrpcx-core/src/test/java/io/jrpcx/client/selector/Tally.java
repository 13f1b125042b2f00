package io.jrpcx.client.selector;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Counts how often each node is picked and prints the counts as a table. */
final class Tally {
  private Tally() {}

  /** Picks {@code picks} times and counts the keys; a null pick counts under "null". */
  static Map<String, Integer> count(int picks, Supplier<String> pick) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < picks; i++) {
      String key = pick.get();
      counts.merge(key == null ? "null" : key, 1, Integer::sum);
    }
    return counts;
  }

  /** Prints a node -> count table to stdout, for reports. */
  static void print(String title, Map<String, Integer> counts) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder out = new StringBuilder();
    out.append("\n").append(title).append(" (").append(total).append(" picks)\n");
    out.append(String.format("  %-24s %7s %7s%n", "node", "count", "share"));
    counts.forEach(
        (node, n) ->
            out.append(
                String.format("  %-24s %7d %6.2f%%%n", node, n, 100.0 * n / Math.max(1, total))));
    System.out.print(out);
  }
}
