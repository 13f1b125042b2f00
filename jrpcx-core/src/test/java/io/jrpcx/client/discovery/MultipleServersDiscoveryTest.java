package io.jrpcx.client.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MultipleServersDiscoveryTest {

  private static final KVPair A = new KVPair("tcp@10.0.0.1:8972", "weight=1");
  private static final KVPair B = new KVPair("tcp@10.0.0.2:8972", "group=g1");
  private static final KVPair C = new KVPair("tcp@10.0.0.3:8972", "state=inactive");

  @Test
  void listsTheNodesItWasGiven() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A, B));

    assertThat(d.services()).containsExactly(A, B);
  }

  @Test
  void updatePushesTheFullListToEveryWatcher() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A));
    RecordingWatcher w1 = new RecordingWatcher();
    RecordingWatcher w2 = new RecordingWatcher();
    d.watch(w1);
    d.watch(w2);

    d.update(List.of(A, B));
    d.update(List.of(B, C));

    assertThat(w1.updates).containsExactly(List.of(A, B), List.of(B, C));
    assertThat(w2.updates).containsExactly(List.of(A, B), List.of(B, C));
    assertThat(d.services()).containsExactly(B, C);
  }

  @Test
  void removedWatcherGetsNothing() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A));
    RecordingWatcher kept = new RecordingWatcher();
    RecordingWatcher removed = new RecordingWatcher();
    d.watch(kept);
    d.watch(removed);

    d.removeWatcher(removed);
    d.update(List.of(B));

    assertThat(removed.updates).isEmpty();
    assertThat(kept.updates).containsExactly(List.of(B));
  }

  @Test
  void removingAnUnknownWatcherIsIgnored() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A));

    d.removeWatcher(new RecordingWatcher());

    assertThat(d.services()).containsExactly(A);
  }

  @Test
  void throwingWatcherDoesNotStopTheOthers() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A));
    RecordingWatcher before = new RecordingWatcher();
    RecordingWatcher after = new RecordingWatcher();
    d.watch(before);
    d.watch(
        nodes -> {
          throw new IllegalStateException("watcher bug");
        });
    d.watch(after);

    d.update(List.of(B));
    d.update(List.of(C));

    assertThat(before.updates).containsExactly(List.of(B), List.of(C));
    assertThat(after.updates).containsExactly(List.of(B), List.of(C));
  }

  @Test
  void identicalUpdatesAreNotRedelivered() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A));
    RecordingWatcher w = new RecordingWatcher();
    d.watch(w);

    d.update(List.of(A));
    d.update(List.of(A, B));
    d.update(List.of(new KVPair(A.key(), A.value()), B));

    assertThat(w.updates).containsExactly(List.of(A, B));
  }

  @Test
  void filterAppliesToServicesAndToUpdates() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A, B, C));
    RecordingWatcher w = new RecordingWatcher();
    d.watch(w);

    d.setFilter(NodeFilters.stateAndGroup(""));
    assertThat(d.services()).containsExactly(A, B);
    assertThat(w.updates).containsExactly(List.of(A, B));

    d.update(List.of(C, B));
    assertThat(d.services()).containsExactly(B);
    assertThat(w.updates).containsExactly(List.of(A, B), List.of(B));
  }

  @Test
  void updateThatChangesOnlyFilteredOutNodesIsNotDelivered() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A));
    d.setFilter(NodeFilters.stateAndGroup(""));
    RecordingWatcher w = new RecordingWatcher();
    d.watch(w);

    d.update(List.of(A, C));

    assertThat(w.updates).isEmpty();
  }

  @Test
  void nullFilterShowsEveryNodeAgain() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A, C));
    d.setFilter(NodeFilters.stateAndGroup(""));
    RecordingWatcher w = new RecordingWatcher();
    d.watch(w);

    d.setFilter(null);

    assertThat(d.services()).containsExactly(A, C);
    assertThat(w.updates).containsExactly(List.of(A, C));
  }

  @Test
  void cloneIsAnIndependentCopyOfTheCurrentList() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A));
    d.update(List.of(A, C));
    d.setFilter(NodeFilters.stateAndGroup(""));
    RecordingWatcher originalWatcher = new RecordingWatcher();
    d.watch(originalWatcher);

    MultipleServersDiscovery clone = d.clone("Other");
    RecordingWatcher cloneWatcher = new RecordingWatcher();
    clone.watch(cloneWatcher);

    assertThat(clone.services()).containsExactly(A, C);
    clone.update(List.of(B));
    assertThat(d.services()).containsExactly(A);
    assertThat(originalWatcher.updates).isEmpty();
    d.update(List.of(A, B));
    assertThat(clone.services()).containsExactly(B);
    assertThat(cloneWatcher.updates).containsExactly(List.of(B));
  }

  @Test
  void updatesAfterCloseAreIgnored() {
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(A));
    RecordingWatcher w = new RecordingWatcher();
    d.watch(w);

    d.close();
    d.update(List.of(B));

    assertThat(w.updates).isEmpty();
    assertThat(d.services()).containsExactly(A);
  }
}
