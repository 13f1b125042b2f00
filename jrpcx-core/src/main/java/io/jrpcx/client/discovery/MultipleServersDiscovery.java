package io.jrpcx.client.discovery;

import java.util.List;

/**
 * A discovery of a fixed list of servers that the application replaces at will, rpcx's {@code
 * MultipleServersDiscovery}: for clients that learn their servers from configuration or from a
 * registry jrpcx has no module for.
 *
 * <pre>{@code
 * MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(
 *     new KVPair("tcp@10.0.0.5:8972", "weight=10"),
 *     new KVPair("tcp@10.0.0.6:8972", "weight=5")));
 * d.update(List.of(new KVPair("tcp@10.0.0.7:8972", "")));   // watchers get the new full list
 * }</pre>
 */
public final class MultipleServersDiscovery extends AbstractServiceDiscovery {

  /**
   * Creates a discovery of {@code nodes}.
   *
   * @throws NullPointerException if {@code nodes} or one of its elements is null
   */
  public MultipleServersDiscovery(List<KVPair> nodes) {
    publish(nodes);
  }

  /**
   * Replaces the whole node list; watchers receive the new filtered list if it differs from the
   * last one they saw. Ignored after {@link #close()}.
   *
   * @throws NullPointerException if {@code nodes} or one of its elements is null
   */
  public void update(List<KVPair> nodes) {
    publish(nodes);
  }

  /**
   * A new discovery holding the current list (before the filter), with no filter and no watchers;
   * later updates of either discovery do not reach the other.
   */
  @Override
  public MultipleServersDiscovery clone(String servicePath) {
    return new MultipleServersDiscovery(unfilteredServices());
  }
}
