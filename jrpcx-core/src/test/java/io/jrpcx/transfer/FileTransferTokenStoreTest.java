package io.jrpcx.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token table: what a forgotten token would have served is released, never leaked. */
class FileTransferTokenStoreTest {
  private final AtomicLong now = new AtomicLong();
  private final List<String> closed = new ArrayList<>();

  private TokenStore.Pending pending(String name) {
    return new TokenStore.Pending() {
      @Override
      public void serve(SideConnection connection) {}

      @Override
      public void close() {
        closed.add(name);
      }
    };
  }

  @Test
  void tokensAre32DistinctRandomBytes() {
    TokenStore store = new TokenStore(1000, Duration.ofSeconds(60).toNanos(), now::get);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      byte[] t = store.issue(pending("p" + i));
      assertThat(t).hasSize(32);
      assertThat(seen.add(java.util.HexFormat.of().formatHex(t))).isTrue();
    }
  }

  @Test
  void aTakenTokenIsGoneAndNotReleased() {
    TokenStore store = new TokenStore(10, 1000, now::get);
    TokenStore.Pending p = pending("a");
    byte[] t = store.issue(p);
    assertThat(store.take(t)).isSameAs(p);
    assertThat(store.take(t)).isNull();
    assertThat(closed).isEmpty(); // the side channel closes what it served
  }

  @Test
  void evictedAndExpiredTransfersAreReleased() {
    TokenStore store = new TokenStore(2, 1000, now::get);
    byte[] a = store.issue(pending("a"));
    store.issue(pending("b"));
    store.issue(pending("c")); // forgets a, the oldest
    assertThat(closed).containsExactly("a");
    assertThat(store.take(a)).isNull();
    now.addAndGet(1000);
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.take(new byte[32])).isNull(); // any look-up drops what expired
    assertThat(closed).containsExactly("a", "b", "c");
    assertThat(store.size()).isZero();
  }

  @Test
  void aClosedStoreReleasesEverythingAndIssuesNothing() {
    TokenStore store = new TokenStore(10, 1000, now::get);
    store.issue(pending("a"));
    store.close();
    assertThat(closed).containsExactly("a");
    assertThatThrownBy(() -> store.issue(pending("late")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(closed).containsExactly("a", "late");
  }
}
