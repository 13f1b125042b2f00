package io.jrpcx.client.selector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ArgsKeyTest {
  private final ArgsKey key = new ArgsKey();

  @Test
  void nullPrintsAsGoPrintsNil() {
    assertThat(key.apply(null)).isEqualTo("<nil>");
  }

  @Test
  void scalarsAndEnumsPrintThemselves() {
    assertThat(key.apply("user-42")).isEqualTo("user-42");
    assertThat(key.apply(new StringBuilder("sb"))).isEqualTo("sb");
    assertThat(key.apply(42)).isEqualTo("42");
    assertThat(key.apply(4.5)).isEqualTo("4.5");
    assertThat(key.apply(true)).isEqualTo("true");
    assertThat(key.apply('x')).isEqualTo("x");
    assertThat(key.apply(TimeUnit.SECONDS)).isEqualTo("SECONDS");
  }

  @Test
  void classThatOverridesToStringPrintsItsToString() {
    assertThat(key.apply(new Point(1, 2))).isEqualTo("Point[x=1, y=2]");
  }

  @Test
  void plainObjectIsItsJsonNotAnIdentityHash() {
    assertThat(key.apply(new Args(6, 7))).isEqualTo("{\"A\":6,\"B\":7}");
  }

  @Test
  void collectionsMapsAndArraysAreJsonWithMapsSortedByKey() {
    assertThat(key.apply(List.of(new Args(1, 2)))).isEqualTo("[{\"A\":1,\"B\":2}]");
    assertThat(key.apply(Map.of("b", 2, "a", 1, "c", 3))).isEqualTo("{\"a\":1,\"b\":2,\"c\":3}");
    assertThat(key.apply(new int[] {1, 2})).isEqualTo("[1,2]");
  }

  @Test
  void objectJsonCannotEncodeFallsBackToItsClassName() {
    assertThat(key.apply(new SelfReferencing())).isEqualTo(SelfReferencing.class.getName());
  }

  record Point(int x, int y) {}

  static final class Args {
    final int A;
    final int B;

    Args(int a, int b) {
      this.A = a;
      this.B = b;
    }
  }

  static final class SelfReferencing {
    final SelfReferencing self = this;
  }
}
