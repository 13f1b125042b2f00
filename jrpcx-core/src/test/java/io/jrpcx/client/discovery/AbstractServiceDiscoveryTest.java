package io.jrpcx.client.discovery;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AbstractServiceDiscoveryTest {

  private static final KVPair A = new KVPair("tcp@10.0.0.1:8972", "");
  private static final KVPair B = new KVPair("tcp@10.0.0.2:8972", "");
  private static final KVPair C = new KVPair("tcp@10.0.0.3:8972", "");

  /** The smallest registry module: it publishes whatever the test gives it. */
  static final class TestDiscovery extends AbstractServiceDiscovery {
    final AtomicInteger doCloseCalls = new AtomicInteger();

    void push(List<KVPair> nodes) {
      publish(nodes);
    }

    @Override
    public ServiceDiscovery clone(String servicePath) {
      return new TestDiscovery(); // the base class never clones; any fresh instance will do
    }

    @Override
    protected void doClose() {
      doCloseCalls.incrementAndGet();
    }
  }

  private final TestDiscovery d = new TestDiscovery();

  @Test
  void startsEmpty() {
    assertThat(d.services()).isEmpty();
    assertThat(d.isClosed()).isFalse();
  }

  @Test
  void publishedListCannotBeChangedByThePublisher() {
    List<KVPair> nodes = new ArrayList<>(List.of(A));
    d.push(nodes);

    nodes.add(B);

    assertThat(d.services()).containsExactly(A);
    assertThat(d.unfilteredServices()).containsExactly(A);
  }

  @Test
  void closeIsIdempotentAndReleasesOnce() {
    d.close();
    d.close();

    assertThat(d.isClosed()).isTrue();
    assertThat(d.doCloseCalls).hasValue(1);
  }

  @Test
  void publishAfterCloseIsIgnored() {
    d.push(List.of(A));
    d.close();

    d.push(List.of(B));

    assertThat(d.services()).containsExactly(A);
  }

  @Test
  void closeDuringDeliveryStopsTheRemainingWatchers() {
    RecordingWatcher later = new RecordingWatcher();
    d.watch(nodes -> d.close());
    d.watch(later);

    d.push(List.of(A));

    assertThat(later.updates).isEmpty();
    assertThat(d.doCloseCalls).hasValue(1);
  }

  @Test
  void watcherSeesTheListItIsGivenThroughServices() {
    List<List<KVPair>> seen = new ArrayList<>();
    d.watch(nodes -> seen.add(d.services()));

    d.push(List.of(A, B));

    assertThat(seen).containsExactly(List.of(A, B));
  }

  @Test
  void watcherThatPublishesDoesNotReorderUpdates() {
    // The first watcher reacts to [A] by publishing [B]; the second must still see [A] first.
    d.watch(
        nodes -> {
          if (nodes.equals(List.of(A))) {
            d.push(List.of(B));
          }
        });
    RecordingWatcher second = new RecordingWatcher();
    d.watch(second);

    d.push(List.of(A));

    assertThat(second.updates).containsExactly(List.of(A), List.of(B));
    assertThat(d.services()).containsExactly(B);
  }

  @Test
  void filterThatThrowsLeavesTheDiscoveryAsItWas() {
    d.push(List.of(A, B));
    d.setFilter(node -> node != B);

    assertThatIllegalStateException()
        .isThrownBy(
            () ->
                d.setFilter(
                    node -> {
                      throw new IllegalStateException("bad filter");
                    }));

    assertThat(d.services()).containsExactly(A);
    d.push(List.of(B, C));
    assertThat(d.services()).containsExactly(C);
  }

  @Test
  void rejectsNullNodesAndWatchers() {
    assertThatNullPointerException().isThrownBy(() -> d.push(null));
    assertThatNullPointerException().isThrownBy(() -> d.push(Arrays.asList(A, null)));
    assertThatNullPointerException().isThrownBy(() -> d.watch(null));
  }

  @Test
  void concurrentPublishersNeverCallAWatcherConcurrentlyAndEndWithTheLatestList() throws Exception {
    int threads = 4;
    int perThread = 500;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicBoolean overlapped = new AtomicBoolean();
    RecordingWatcher recorder = new RecordingWatcher();
    d.watch(
        nodes -> {
          if (inFlight.incrementAndGet() > 1) {
            overlapped.set(true);
          }
          recorder.onUpdate(nodes);
          inFlight.decrementAndGet();
        });

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    d.push(List.of(new KVPair("t" + thread + "@host:" + i, "")));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(overlapped).isFalse();
    assertThat(recorder.last()).isEqualTo(d.services());
    // Lists may be skipped when publishers race, but never delivered out of a publisher's order.
    Map<String, Integer> lastSeen = new HashMap<>();
    for (List<KVPair> update : recorder.updates) {
      KVPair node = update.get(0);
      int seq = Integer.parseInt(node.address().substring(node.address().indexOf(':') + 1));
      Integer previous = lastSeen.put(node.network(), seq);
      assertThat(previous == null || previous < seq).as("%s after %s", seq, previous).isTrue();
    }
  }
}
