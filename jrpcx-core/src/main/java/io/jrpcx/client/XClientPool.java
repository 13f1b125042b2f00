package io.jrpcx.client;

import io.jrpcx.client.discovery.ServiceDiscovery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of independent {@link XClient}s for one service, handed out in turn, rpcx's
 * {@code XClientPool}: each has its own connections, so calls spread over {@code size}
 * connections per node instead of one.
 *
 * <pre>{@code
 * try (XClientPool pool = XClientPool.create(4, "Arith", FailMode.FAILOVER,
 *     SelectMode.ROUND_ROBIN, discovery, ClientOptions.DEFAULT)) {
 *   Reply r = pool.get().call(ctx, "Mul", args, Reply.class);
 * }
 * }</pre>
 *
 * <p>Clients are not checked out: {@link #get()} returns a shared client, which must not be
 * closed by the caller. Thread-safe.
 */
public final class XClientPool implements AutoCloseable {
  private final List<XClient> clients;
  private final AtomicInteger next = new AtomicInteger();

  private XClientPool(List<XClient> clients) {
    this.clients = clients;
  }

  /** {@code size} XClients sharing {@code discovery}; see {@link XClient#create}. */
  public static XClientPool create(
      int size,
      String servicePath,
      FailMode failMode,
      SelectMode selectMode,
      ServiceDiscovery discovery,
      ClientOptions options) {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be at least 1, was " + size);
    }
    Objects.requireNonNull(discovery, "discovery");
    List<XClient> clients = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      clients.add(XClient.create(servicePath, failMode, selectMode, discovery, options));
    }
    return new XClientPool(List.copyOf(clients));
  }

  /** The next client, round robin. */
  public XClient get() {
    return clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
  }

  /** Every client in the pool, e.g. to set a selector or auth token on each. */
  public List<XClient> clients() {
    return clients;
  }

  public int size() {
    return clients.size();
  }

  /** Closes every client. */
  @Override
  public void close() {
    clients.forEach(XClient::close);
  }
}
