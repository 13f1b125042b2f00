package io.jrpcx.client.discovery;

import java.util.List;
import java.util.function.Predicate;

/**
 * Ready-made node filters for {@link ServiceDiscovery#setFilter(Predicate)}.
 *
 * <p>{@link #stateAndGroup(String)} is the filter every rpcx client applies to discovery updates.
 */
public final class NodeFilters {
  private NodeFilters() {}

  /**
   * The filter rpcx applies to every server list ({@code filterByStateAndGroup}): it drops nodes
   * whose metadata says {@code state=inactive}, and when {@code group} is neither null nor empty it
   * keeps only nodes with a {@code group} value equal to it (a node may list several), so nodes
   * without a group are dropped. Nodes whose metadata does not parse as a query string are kept,
   * as rpcx keeps them.
   *
   * @param group the client's group; null or empty accepts every group and none
   */
  public static Predicate<KVPair> stateAndGroup(String group) {
    boolean anyGroup = group == null || group.isEmpty();
    return node -> {
      if (unparseable(node)) {
        return true;
      }
      if ("inactive".equals(node.metadata("state"))) {
        return false;
      }
      if (anyGroup) {
        return true;
      }
      List<String> groups = node.metadata().get("group");
      return groups != null && groups.contains(group);
    };
  }

  /**
   * KVPair reads metadata that fails to parse as empty. A non-empty value can also parse to no
   * keys when it holds nothing but separators, which Go accepts, so only a value with some other
   * character counts as unparseable.
   */
  private static boolean unparseable(KVPair node) {
    if (!node.metadata().isEmpty()) {
      return false;
    }
    String value = node.value();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '&' && c != ';') {
        return true;
      }
    }
    return false;
  }
}
