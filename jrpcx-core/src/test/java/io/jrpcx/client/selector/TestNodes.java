package io.jrpcx.client.selector;

import io.jrpcx.client.discovery.KVPair;
import java.util.Arrays;
import java.util.List;

/** Node lists for tests. */
final class TestNodes {
  private TestNodes() {}

  /** Nodes with these keys and no metadata, in this order. */
  static List<KVPair> keys(String... keys) {
    return Arrays.stream(keys).map(k -> new KVPair(k, "")).toList();
  }
}
