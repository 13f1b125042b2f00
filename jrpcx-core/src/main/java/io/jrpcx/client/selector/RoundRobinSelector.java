package io.jrpcx.client.selector;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each node in turn, in key order. rpcx walks its nodes in Go map order, which differs between
 * processes; sorting makes every client walk the same sequence.
 */
final class RoundRobinSelector implements Selector {
  private volatile String[] keys = new String[0];

  // A long never wraps in practice; an int would, and 2^32 is not a multiple of most list sizes,
  // so the wrap would repeat or skip a node.
  private final AtomicLong next = new AtomicLong();

  @Override
  public String select(Context ctx, String servicePath, String serviceMethod, Object args) {
    // One read of the array: a concurrent update that shrinks the list cannot move the index out
    // of the array this pick uses.
    String[] k = keys;
    if (k.length == 0) {
      return null;
    }
    return k[(int) Math.floorMod(next.getAndIncrement(), (long) k.length)];
  }

  @Override
  public void updateServer(List<KVPair> servers) {
    keys = servers.stream().map(KVPair::key).sorted().toArray(String[]::new);
  }
}
