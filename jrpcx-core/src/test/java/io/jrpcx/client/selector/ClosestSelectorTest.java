package io.jrpcx.client.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClosestSelectorTest {
  private static final double TIANJIN_LAT = 39.3434;
  private static final double TIANJIN_LON = 117.3616;

  private static final KVPair BEIJING =
      new KVPair("tcp@beijing:1", "latitude=39.9042&longitude=116.4074");
  private static final KVPair SHANGHAI =
      new KVPair("tcp@shanghai:1", "latitude=31.2304&longitude=121.4737");
  private static final KVPair SAN_FRANCISCO =
      new KVPair("tcp@sf:1", "latitude=37.7749&longitude=-122.4194");

  private final Selector selector = Selectors.closest(TIANJIN_LAT, TIANJIN_LON);

  @Test
  void picksTheNearestNode() {
    selector.updateServer(List.of(SAN_FRANCISCO, SHANGHAI, BEIJING));

    assertThat(Tally.count(20, this::select)).containsOnlyKeys(BEIJING.key());
  }

  @Test
  void ignoresNodesWithoutUsablePosition() {
    selector.updateServer(
        List.of(
            new KVPair("tcp@nowhere:1", ""),
            new KVPair("tcp@half:1", "latitude=39.3434"),
            new KVPair("tcp@garbled:1", "latitude=north&longitude=east"),
            new KVPair("tcp@infinite:1", "latitude=Infinity&longitude=117"),
            SAN_FRANCISCO,
            SHANGHAI));

    assertThat(Tally.count(20, this::select)).containsOnlyKeys(SHANGHAI.key());
  }

  @Test
  void choosesAtRandomAmongEquallyNearNodes() {
    KVPair twin = new KVPair("tcp@beijing-2:1", BEIJING.value());
    selector.updateServer(List.of(SHANGHAI, BEIJING, twin));

    assertThat(Tally.count(1_000, this::select)).containsOnlyKeys(BEIJING.key(), twin.key());
  }

  @Test
  void fallsBackToAnyNodeAtRandomWhenNoneHasAPosition() {
    selector.updateServer(TestNodes.keys("tcp@a:1", "tcp@b:1", "tcp@c:1"));

    assertThat(Tally.count(1_000, this::select)).containsOnlyKeys("tcp@a:1", "tcp@b:1", "tcp@c:1");
  }

  @Test
  void selectsNothingWhileTheListIsEmpty() {
    assertThat(select()).isNull();
    selector.updateServer(List.of(BEIJING));
    selector.updateServer(List.of());
    assertThat(select()).isNull();
  }

  @Test
  void distanceIsHaversineOnRpcxEarthRadius() {
    // Beijing-Shanghai is about 1,068 km along the great circle.
    assertThat(ClosestSelector.distanceMetres(39.9042, 116.4074, 31.2304, 121.4737))
        .isCloseTo(1_068_000, withinPercentage(1));
    assertThat(ClosestSelector.distanceMetres(0, 0, 0, 180))
        .isCloseTo(Math.PI * ClosestSelector.EARTH_RADIUS_METRES, withinPercentage(1e-9));
    assertThat(ClosestSelector.distanceMetres(10, 20, 10, 20)).isZero();
  }

  @Test
  void rejectsAPositionThatIsNotANumber() {
    assertThatIllegalArgumentException().isThrownBy(() -> Selectors.closest(Double.NaN, 0));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Selectors.closest(0, Double.POSITIVE_INFINITY));
  }

  private String select() {
    return selector.select(Context.background(), "Arith", "Mul", null);
  }
}
