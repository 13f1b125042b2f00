package io.jrpcx.client.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoundRobinSelectorTest {
  private final Selector selector = Selectors.roundRobin();

  @Test
  void selectsNothingWhileTheListIsEmpty() {
    assertThat(select()).isNull();
    selector.updateServer(List.of());
    assertThat(select()).isNull();
  }

  @Test
  void cyclesThroughNodesInKeyOrderWhateverOrderTheyAreGiven() {
    selector.updateServer(TestNodes.keys("tcp@c:1", "tcp@a:1", "tcp@b:1"));

    assertThat(picks(7))
        .containsExactly(
            "tcp@a:1", "tcp@b:1", "tcp@c:1", "tcp@a:1", "tcp@b:1", "tcp@c:1", "tcp@a:1");
  }

  @Test
  void sharesPicksExactlyEvenly() {
    selector.updateServer(
        TestNodes.keys(
            "tcp@c:1", "tcp@a:1", "tcp@b:1", "tcp@d:1", "tcp@e:1", "tcp@f:1", "tcp@g:1"));

    Map<String, Integer> counts = Tally.count(7_000, this::select);

    Tally.print("round robin, 7 nodes", counts);
    assertThat(counts.values()).containsOnly(1_000).hasSize(7);
  }

  @Test
  void keepsPickingListedNodesAfterTheListShrinks() {
    selector.updateServer(TestNodes.keys("tcp@a:1", "tcp@b:1", "tcp@c:1", "tcp@d:1"));
    picks(3);

    selector.updateServer(TestNodes.keys("tcp@b:1", "tcp@a:1"));

    List<String> after = picks(4);
    assertThat(after).containsOnly("tcp@a:1", "tcp@b:1");
    assertThat(after.get(1)).isNotEqualTo(after.get(0));
    assertThat(after.get(2)).isEqualTo(after.get(0));
  }

  @Test
  void concurrentCallersTogetherVisitEveryNodeEqually() throws Exception {
    selector.updateServer(TestNodes.keys("tcp@a:1", "tcp@b:1", "tcp@c:1"));
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 3_000; i++) {
                    counts.merge(select(), 1, Integer::sum);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(counts).containsOnlyKeys("tcp@a:1", "tcp@b:1", "tcp@c:1");
    assertThat(counts.values()).containsOnly(4_000);
  }

  @Test
  void keepsItsOwnCopyOfTheList() {
    List<KVPair> servers = new ArrayList<>(List.of(new KVPair("tcp@a:1", "")));
    selector.updateServer(servers);

    servers.add(new KVPair("tcp@b:1", ""));

    assertThat(picks(3)).containsOnly("tcp@a:1");
  }

  private List<String> picks(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(select());
    }
    return out;
  }

  private String select() {
    return selector.select(Context.background(), "Arith", "Mul", null);
  }
}
