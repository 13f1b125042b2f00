package io.jrpcx.client.selector;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.List;

/**
 * Picks the node for a call, rpcx's {@code Selector}. The {@link io.jrpcx.client.XClient} calls
 * {@link #updateServer} with the filtered node list whenever discovery reports a change, and
 * {@link #select} once per attempt. Implementations must be thread-safe: one XClient serves every
 * thread.
 *
 * <p>The built-in selectors are made by {@link Selectors}; a user-defined selector is installed
 * with {@code XClient.setSelector} and {@link io.jrpcx.client.SelectMode#SELECT_BY_USER}.
 */
public interface Selector extends AutoCloseable {

  /**
   * Returns the key ({@code network@address}) of the node to call, or null when no node is
   * available.
   */
  String select(Context ctx, String servicePath, String serviceMethod, Object args);

  /** Replaces the node list; called with every change, possibly with an empty list. */
  void updateServer(List<KVPair> servers);

  /** Releases what the selector holds (probing tasks, for one). The default does nothing. */
  @Override
  default void close() {}
}
