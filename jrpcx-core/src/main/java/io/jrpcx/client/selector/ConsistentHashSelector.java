package io.jrpcx.client.selector;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The same node for the same service, method and arguments: rendezvous (highest random weight)
 * hashing of the FNV-1a 64 hash of {@code "/" + servicePath + "/" + serviceMethod + "/" +
 * keyOf(args)}, the key rpcx hashes.
 *
 * <p>Why not rpcx's jump hash: jump hash maps a key to a bucket number, so it needs the nodes in an
 * order every process agrees on. rpcx uses Go map order, which differs between processes; a sorted
 * list agrees, but a node inserted in the middle of it shifts the numbers of all nodes after it and
 * moves far more than the 1/(n+1) of keys a new node should take. Rendezvous scores every node
 * against the key and takes the best, so the answer depends only on the set of nodes: the same in
 * every process, a new node takes only the keys it wins, and a removed node gives up only its own.
 * It costs one hash per node per call, negligible at the sizes of rpcx clusters.
 */
final class ConsistentHashSelector implements Selector {
  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final Function<Object, String> keyOf;

  /** Keys and their hashes in the same order; replaced together. */
  private volatile Nodes nodes = new Nodes(new String[0], new long[0]);

  private record Nodes(String[] keys, long[] hashes) {}

  ConsistentHashSelector(Function<Object, String> keyOf) {
    this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
  }

  @Override
  public String select(Context ctx, String servicePath, String serviceMethod, Object args) {
    Nodes n = nodes;
    if (n.keys.length == 0) {
      return null;
    }
    if (n.keys.length == 1) {
      return n.keys[0];
    }
    long key = fnv1a64("/" + servicePath + "/" + serviceMethod + "/" + keyOf.apply(args));
    int best = 0;
    long bestScore = mix64(key ^ n.hashes[0]);
    for (int i = 1; i < n.keys.length; i++) {
      long score = mix64(key ^ n.hashes[i]);
      if (score > bestScore || (score == bestScore && n.keys[i].compareTo(n.keys[best]) < 0)) {
        best = i;
        bestScore = score;
      }
    }
    return n.keys[best];
  }

  @Override
  public void updateServer(List<KVPair> servers) {
    String[] keys = servers.stream().map(KVPair::key).toArray(String[]::new);
    long[] hashes = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      hashes[i] = fnv1a64(keys[i]);
    }
    nodes = new Nodes(keys, hashes);
  }

  /** FNV-1a, 64 bits, over the UTF-8 bytes: Go's {@code hash/fnv} New64a. */
  static long fnv1a64(String s) {
    long h = FNV_OFFSET_BASIS;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return h;
  }

  /**
   * MurmurHash3's 64-bit finaliser. FNV of similar strings (node keys differing in a last digit)
   * differ in few bits; the finaliser spreads every input bit over the whole score, so scores for
   * one key behave like independent random draws per node.
   */
  static long mix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
