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

class WeightedRoundRobinSelectorTest {
  private static final List<KVPair> A5_B1_C1 =
      List.of(
          new KVPair("tcp@a:1", "weight=5"),
          new KVPair("tcp@b:1", "weight=1"),
          new KVPair("tcp@c:1", "weight=1"));

  private final Selector selector = Selectors.weightedRoundRobin();

  @Test
  void selectsNothingWhileTheListIsEmpty() {
    assertThat(select()).isNull();
    selector.updateServer(List.of());
    assertThat(select()).isNull();
  }

  @Test
  void weightsFiveOneOneSpreadPicksAsNginxDoes() {
    selector.updateServer(A5_B1_C1);

    assertThat(picks(14))
        .containsExactly(
            "tcp@a:1", "tcp@a:1", "tcp@b:1", "tcp@a:1", "tcp@c:1", "tcp@a:1", "tcp@a:1", "tcp@a:1",
            "tcp@a:1", "tcp@b:1", "tcp@a:1", "tcp@c:1", "tcp@a:1", "tcp@a:1");
  }

  @Test
  void picksEachNodeInProportionToItsWeight() {
    selector.updateServer(A5_B1_C1);

    Map<String, Integer> counts = Tally.count(7_000, this::select);

    Tally.print("weighted round robin, weights a=5 b=1 c=1", counts);
    assertThat(counts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("tcp@a:1", 5_000, "tcp@b:1", 1_000, "tcp@c:1", 1_000));
  }

  @Test
  void missingOrNonIntegerWeightCountsAsOneAndNegativeAsZero() {
    selector.updateServer(
        List.of(
            new KVPair("tcp@missing:1", "group=x"),
            new KVPair("tcp@text:1", "weight=heavy"),
            new KVPair("tcp@fraction:1", "weight=2.5"),
            new KVPair("tcp@negative:1", "weight=-4"),
            new KVPair("tcp@two:1", "weight=2")));

    assertThat(Tally.count(500, this::select))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "tcp@missing:1", 100, "tcp@text:1", 100, "tcp@fraction:1", 100, "tcp@two:1", 200));
  }

  @Test
  void allZeroWeightsSharePicksEqually() {
    selector.updateServer(
        List.of(new KVPair("tcp@a:1", "weight=0"), new KVPair("tcp@b:1", "weight=-1")));

    assertThat(picks(4)).containsExactly("tcp@a:1", "tcp@b:1", "tcp@a:1", "tcp@b:1");
  }

  @Test
  void singleNodeIsAlwaysChosenWhateverItsWeight() {
    selector.updateServer(List.of(new KVPair("tcp@a:1", "weight=0")));

    assertThat(picks(3)).containsOnly("tcp@a:1");
  }

  @Test
  void nodesThatStayThroughAnUpdateKeepTheirPlaceInTheRotation() {
    selector.updateServer(A5_B1_C1);
    assertThat(picks(3)).containsExactly("tcp@a:1", "tcp@a:1", "tcp@b:1");

    List<KVPair> withIdleNode = new ArrayList<>(A5_B1_C1);
    withIdleNode.add(new KVPair("tcp@d:1", "weight=0"));
    selector.updateServer(withIdleNode);

    assertThat(picks(4)).containsExactly("tcp@a:1", "tcp@c:1", "tcp@a:1", "tcp@a:1");
  }

  @Test
  void nodeWhoseWeightDropsToZeroIsNoLongerPicked() {
    selector.updateServer(
        List.of(new KVPair("tcp@a:1", "weight=1"), new KVPair("tcp@b:1", "weight=9")));
    picks(5);

    selector.updateServer(
        List.of(new KVPair("tcp@a:1", "weight=1"), new KVPair("tcp@b:1", "weight=0")));

    assertThat(picks(20)).containsOnly("tcp@a:1");
  }

  @Test
  void concurrentCallersTogetherGetTheExactProportions() throws Exception {
    selector.updateServer(A5_B1_C1);
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
                  for (int i = 0; i < 1_750; i++) {
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

    assertThat(counts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("tcp@a:1", 5_000, "tcp@b:1", 1_000, "tcp@c:1", 1_000));
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
