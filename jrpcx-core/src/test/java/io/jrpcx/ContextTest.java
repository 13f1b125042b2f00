package io.jrpcx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContextTest {

  @Test
  void backgroundHasNoDeadlineAndNoMetadata() {
    assertThat(Context.background().deadline()).isNull();
    assertThat(Context.background().metadata()).isEmpty();
  }

  @Test
  void withMethodsCopyAndLeaveTheOriginalUnchanged() {
    Context base = Context.background().withMetadata("a", "1");
    Context derived = base.withMetadata(Map.of("b", "2")).withTimeout(Duration.ofSeconds(5));
    assertThat(base.metadata()).containsExactly(Map.entry("a", "1"));
    assertThat(base.deadline()).isNull();
    assertThat(derived.metadata()).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(derived.deadline().remaining(TimeUnit.MILLISECONDS)).isBetween(1L, 5000L);
    assertThatThrownBy(() -> derived.metadata().put("c", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void laterMetadataReplacesEarlierWithTheSameKey() {
    assertThat(Context.background().withMetadata("k", "1").withMetadata("k", "2").metadata())
        .containsExactly(Map.entry("k", "2"));
  }

  @Test
  void extremeTimeoutsDoNotOverflow() {
    assertThat(Deadline.after(Long.MIN_VALUE, TimeUnit.MILLISECONDS).isExpired()).isTrue();
    assertThat(Deadline.after(Long.MAX_VALUE, TimeUnit.MILLISECONDS).isExpired()).isFalse();
    assertThat(Deadline.after(Duration.ofSeconds(Long.MIN_VALUE)).isExpired()).isTrue();
    assertThat(Deadline.after(Duration.ofSeconds(Long.MAX_VALUE)).isExpired()).isFalse();
    assertThat(Deadline.after(Duration.ZERO).isExpired()).isTrue();
  }

  @Test
  void minPicksTheEarlierDeadline() {
    Deadline soon = Deadline.after(Duration.ofSeconds(1));
    Deadline late = Deadline.after(Duration.ofSeconds(100));
    assertThat(late.min(soon)).isSameAs(soon);
    assertThat(soon.min(late)).isSameAs(soon);
    assertThat(soon.min(null)).isSameAs(soon);
  }
}
