package io.jrpcx.console;

import io.jrpcx.registry.GoQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The edits the console makes to a node's metadata, as rpcx-ui makes them: the query string
 * parsed with Go's {@code url.ParseQuery}, one key set ({@code v.Set}), every other key kept, and
 * the result encoded with Go's {@code url.Values.Encode} (keys sorted). Go and Java clients read
 * {@code state=inactive} (the node is skipped) and {@code weight} (weighted selectors).
 */
final class Steering {
  /** The weights the page accepts: rpcx reads an int; 0 or less would starve or break WRR. */
  static final int MAX_WEIGHT = 1_000_000;

  private Steering() {}

  /** {@code metadata} with {@code state=active} or {@code state=inactive}, as rpcx-ui writes. */
  static String withState(String metadata, boolean active) {
    return with(metadata, "state", active ? "active" : "inactive");
  }

  /** {@code metadata} with {@code weight} set. */
  static String withWeight(String metadata, int weight) {
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be 1 to " + MAX_WEIGHT + ", not " + weight);
    }
    return with(metadata, "weight", Integer.toString(weight));
  }

  private static String with(String metadata, String key, String value) {
    Map<String, List<String>> values;
    try {
      values = new LinkedHashMap<>(GoQuery.parse(metadata));
    } catch (IllegalArgumentException e) {
      // rpcx reads such metadata as empty: rewriting it would silently drop what it holds.
      throw new IllegalArgumentException(
          "the node's metadata '" + metadata + "' is not a query string Go can parse; not changed");
    }
    values.put(key, List.of(value));
    return GoQuery.encode(values);
  }
}
