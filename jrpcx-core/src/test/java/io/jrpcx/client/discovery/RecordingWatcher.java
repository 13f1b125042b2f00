package io.jrpcx.client.discovery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A watcher that keeps every list it receives, in order. */
final class RecordingWatcher implements ServiceDiscovery.Watcher {
  final List<List<KVPair>> updates = new CopyOnWriteArrayList<>();

  @Override
  public void onUpdate(List<KVPair> services) {
    updates.add(services);
  }

  List<KVPair> last() {
    return updates.isEmpty() ? null : updates.get(updates.size() - 1);
  }
}
