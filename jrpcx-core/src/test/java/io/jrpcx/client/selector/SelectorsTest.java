package io.jrpcx.client.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every built-in selector promises, written the way an application uses them. */
class SelectorsTest {

  static Stream<Arguments> everySelector() {
    return Stream.of(
        Arguments.of("random", (Supplier<Selector>) Selectors::random),
        Arguments.of("roundRobin", (Supplier<Selector>) Selectors::roundRobin),
        Arguments.of("weightedRoundRobin", (Supplier<Selector>) Selectors::weightedRoundRobin),
        Arguments.of("weightedLatency", (Supplier<Selector>) Selectors::weightedLatency),
        Arguments.of("consistentHash", (Supplier<Selector>) Selectors::consistentHash),
        Arguments.of("closest", (Supplier<Selector>) () -> Selectors.closest(39.9, 116.4)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everySelector")
  void selectsNothingUntilGivenNodesAndOnlyListedNodesAfter(String name, Supplier<Selector> make) {
    try (Selector selector = make.get()) {
      assertThat(selector.select(Context.background(), "Arith", "Mul", 1)).isNull();

      // unix nodes: the latency selector weighs them without opening a connection.
      List<KVPair> servers = new ArrayList<>(TestNodes.keys("unix@/tmp/a", "unix@/tmp/b"));
      selector.updateServer(servers);
      servers.clear();

      for (int i = 0; i < 20; i++) {
        assertThat(selector.select(Context.background(), "Arith", "Mul", i))
            .isIn("unix@/tmp/a", "unix@/tmp/b");
      }
      selector.updateServer(List.of());
      assertThat(selector.select(Context.background(), "Arith", "Mul", 1)).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everySelector")
  void eachCallMakesASelectorOfItsOwn(String name, Supplier<Selector> make) {
    try (Selector one = make.get();
        Selector other = make.get()) {
      one.updateServer(TestNodes.keys("unix@/tmp/a"));

      assertThat(other).isNotSameAs(one);
      assertThat(other.select(Context.background(), "Arith", "Mul", 1)).isNull();
    }
  }
}
