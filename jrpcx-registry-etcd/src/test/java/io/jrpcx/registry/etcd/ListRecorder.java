package io.jrpcx.registry.etcd;

import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.ServiceDiscovery;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records every list a discovery delivers, with the time it arrived, to time registry changes. */
final class ListRecorder implements ServiceDiscovery.Watcher {
  record Update(long nanos, List<KVPair> nodes) {}

  private final List<Update> updates = new CopyOnWriteArrayList<>();

  @Override
  public void onUpdate(List<KVPair> services) {
    updates.add(new Update(System.nanoTime(), services));
  }

  /**
   * Waits for the first update delivered at or after {@code sinceNanos} that satisfies
   * {@code condition} and returns when it arrived ({@link System#nanoTime()}).
   */
  long awaitUpdate(long sinceNanos, Predicate<List<KVPair>> condition, Duration atMost) {
    await().atMost(atMost).until(() -> find(sinceNanos, condition) != null);
    return find(sinceNanos, condition).nanos();
  }

  private Update find(long sinceNanos, Predicate<List<KVPair>> condition) {
    for (Update u : updates) {
      if (u.nanos() - sinceNanos >= 0 && condition.test(u.nodes())) {
        return u;
      }
    }
    return null;
  }

  static List<String> keys(List<KVPair> nodes) {
    return nodes.stream().map(KVPair::key).toList();
  }
}
