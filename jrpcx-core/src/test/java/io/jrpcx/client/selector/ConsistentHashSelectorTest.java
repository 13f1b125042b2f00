package io.jrpcx.client.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ConsistentHashSelectorTest {
  private static final int KEYS = 10_000;
  private static final List<KVPair> THREE =
      TestNodes.keys("tcp@10.0.0.1:8972", "tcp@10.0.0.2:8972", "tcp@10.0.0.3:8972");
  private static final String FOURTH = "tcp@10.0.0.4:8972";

  @Test
  void selectsNothingWhileTheListIsEmpty() {
    Selector selector = Selectors.consistentHash();

    assertThat(selector.select(Context.background(), "Arith", "Mul", 1)).isNull();
  }

  @Test
  void sameCallAlwaysReachesTheSameNode() {
    Selector selector = Selectors.consistentHash();
    selector.updateServer(THREE);

    String first = selector.select(Context.background(), "Arith", "Mul", "user-42");

    for (int i = 0; i < 100; i++) {
      assertThat(selector.select(Context.background(), "Arith", "Mul", "user-42")).isEqualTo(first);
    }
  }

  @Test
  void independentSelectorsGivenTheNodesInDifferentOrdersAgree() {
    Selector one = Selectors.consistentHash();
    Selector other = Selectors.consistentHash();
    one.updateServer(THREE);
    other.updateServer(List.of(THREE.get(2), THREE.get(0), THREE.get(1)));

    assertThat(assign(other)).isEqualTo(assign(one));
  }

  @Test
  void spreadsKeysEvenlyOverTheNodes() {
    Selector selector = Selectors.consistentHash();
    selector.updateServer(THREE);

    Map<String, Integer> counts = new TreeMap<>();
    assign(selector).forEach(node -> counts.merge(node, 1, Integer::sum));

    Tally.print("consistent hash, 10,000 distinct keys over 3 nodes", counts);
    assertThat(counts).hasSize(3);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(2_800, 3_900));
  }

  @Test
  void addingAFourthNodeMovesAboutAQuarterOfTheKeysAllOntoIt() {
    Selector selector = Selectors.consistentHash();
    selector.updateServer(THREE);
    List<String> before = assign(selector);
    List<KVPair> four = new ArrayList<>(THREE);
    four.add(new KVPair(FOURTH, ""));

    selector.updateServer(four);
    List<String> after = assign(selector);

    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      if (!after.get(i).equals(before.get(i))) {
        moved++;
        assertThat(after.get(i)).isEqualTo(FOURTH);
      }
    }
    System.out.printf("%nconsistent hash, adding a 4th node moved %d of %d keys%n", moved, KEYS);
    assertThat(moved).isBetween(KEYS * 15 / 100, KEYS * 35 / 100);
  }

  @Test
  void removingANodeMovesOnlyTheKeysItHeld() {
    Selector selector = Selectors.consistentHash();
    selector.updateServer(THREE);
    List<String> before = assign(selector);
    String removed = THREE.get(1).key();

    selector.updateServer(List.of(THREE.get(0), THREE.get(2)));
    List<String> after = assign(selector);

    for (int i = 0; i < KEYS; i++) {
      if (before.get(i).equals(removed)) {
        assertThat(after.get(i)).isNotEqualTo(removed);
      } else {
        assertThat(after.get(i)).isEqualTo(before.get(i));
      }
    }
  }

  @Test
  void serviceAndMethodArePartOfTheKey() {
    Selector selector = Selectors.consistentHash();
    selector.updateServer(THREE);

    int differ = 0;
    for (int i = 0; i < 300; i++) {
      String mul = selector.select(Context.background(), "Arith", "Mul", i);
      String add = selector.select(Context.background(), "Arith", "Add", i);
      if (!mul.equals(add)) {
        differ++;
      }
    }
    // Independent keys land on different nodes about two times in three.
    assertThat(differ).isBetween(100, 290);
  }

  @Test
  void customKeyFunctionRoutesByTheFieldItReturns() {
    Selector selector = Selectors.consistentHash(args -> ((Order) args).customer());
    selector.updateServer(THREE);

    String node = selector.select(Context.background(), "Shop", "Buy", new Order("alice", 1));

    for (int item = 2; item < 50; item++) {
      assertThat(selector.select(Context.background(), "Shop", "Buy", new Order("alice", item)))
          .isEqualTo(node);
    }
  }

  @Test
  void equalArgumentObjectsReachTheSameNode() {
    Selector selector = Selectors.consistentHash();
    selector.updateServer(THREE);

    String node = selector.select(Context.background(), "Arith", "Mul", new Args(6, 7));

    assertThat(selector.select(Context.background(), "Arith", "Mul", new Args(6, 7)))
        .isEqualTo(node);
  }

  @Test
  void hashIsFnv1a64() {
    assertThat(ConsistentHashSelector.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
    assertThat(ConsistentHashSelector.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(ConsistentHashSelector.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
  }

  /** The node for each of KEYS distinct calls, in call order. */
  private static List<String> assign(Selector selector) {
    List<String> nodes = new ArrayList<>(KEYS);
    for (int i = 0; i < KEYS; i++) {
      nodes.add(selector.select(Context.background(), "Arith", "Mul", "key-" + i));
    }
    return nodes;
  }

  record Order(String customer, int item) {}

  /** Like a Go args struct: fields only, no toString. */
  static final class Args {
    final int a;
    final int b;

    Args(int a, int b) {
      this.a = a;
      this.b = b;
    }
  }
}
