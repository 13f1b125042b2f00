package io.jrpcx.client.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomSelectorTest {
  private final Selector selector = Selectors.random();

  @Test
  void selectsNothingBeforeAnyNodeIsKnown() {
    assertThat(select()).isNull();
  }

  @Test
  void selectsNothingAfterTheListEmpties() {
    selector.updateServer(List.of(new KVPair("tcp@a:1", "")));
    selector.updateServer(List.of());

    assertThat(select()).isNull();
  }

  @Test
  void coversEveryNodeOverManyPicks() {
    selector.updateServer(TestNodes.keys("tcp@a:1", "tcp@b:1", "tcp@c:1"));

    Map<String, Integer> counts = Tally.count(7_000, this::select);

    Tally.print("random, 3 nodes", counts);
    assertThat(counts).containsOnlyKeys("tcp@a:1", "tcp@b:1", "tcp@c:1");
    // Expected 2333 each; below 1500 is tens of standard deviations away.
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isGreaterThan(1_500));
  }

  @Test
  void picksOnlyFromTheLatestList() {
    selector.updateServer(TestNodes.keys("tcp@a:1", "tcp@b:1"));
    selector.updateServer(TestNodes.keys("tcp@c:1", "tcp@d:1"));

    assertThat(Tally.count(1_000, this::select)).containsOnlyKeys("tcp@c:1", "tcp@d:1");
  }

  @Test
  void keepsItsOwnCopyOfTheList() {
    List<KVPair> servers = new ArrayList<>(List.of(new KVPair("tcp@a:1", "")));
    selector.updateServer(servers);

    servers.clear();

    assertThat(select()).isEqualTo("tcp@a:1");
  }

  private String select() {
    return selector.select(Context.background(), "Arith", "Mul", null);
  }
}
