package io.jrpcx.client.selector;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Uniformly at random over the current nodes. */
final class RandomSelector implements Selector {
  private volatile String[] keys = new String[0];

  @Override
  public String select(Context ctx, String servicePath, String serviceMethod, Object args) {
    String[] k = keys;
    return k.length == 0 ? null : k[ThreadLocalRandom.current().nextInt(k.length)];
  }

  @Override
  public void updateServer(List<KVPair> servers) {
    keys = servers.stream().map(KVPair::key).toArray(String[]::new);
  }
}
