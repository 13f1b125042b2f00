package io.jrpcx.client.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

class Peer2PeerDiscoveryTest {

  @Test
  void listsItsOneNode() {
    Peer2PeerDiscovery d = new Peer2PeerDiscovery("tcp@127.0.0.1:8972", "weight=10");

    assertThat(d.services()).containsExactly(new KVPair("tcp@127.0.0.1:8972", "weight=10"));
  }

  @Test
  void nullMetadataMeansNone() {
    Peer2PeerDiscovery d = new Peer2PeerDiscovery("unix@/tmp/x.sock", null);

    assertThat(d.services()).containsExactly(new KVPair("unix@/tmp/x.sock", ""));
  }

  @Test
  void cloneListsTheSameNodeWithItsOwnFilter() {
    Peer2PeerDiscovery d = new Peer2PeerDiscovery("tcp@127.0.0.1:8972", "weight=10");
    d.setFilter(node -> false);

    ServiceDiscovery clone = d.clone("AnotherService");

    assertThat(clone).isInstanceOf(Peer2PeerDiscovery.class).isNotSameAs(d);
    assertThat(clone.services()).containsExactly(new KVPair("tcp@127.0.0.1:8972", "weight=10"));
    assertThat(d.services()).isEmpty();
  }

  @Test
  void watchersAreAcceptedButNeverCalledWhileNothingChanges() {
    Peer2PeerDiscovery d = new Peer2PeerDiscovery("tcp@127.0.0.1:8972", "");
    RecordingWatcher w = new RecordingWatcher();

    d.watch(w);

    assertThat(w.updates).isEmpty();
    assertThat(d.services()).hasSize(1);
  }

  @Test
  void filterThatHidesTheNodeIsDelivered() {
    Peer2PeerDiscovery d = new Peer2PeerDiscovery("tcp@127.0.0.1:8972", "state=inactive");
    RecordingWatcher w = new RecordingWatcher();
    d.watch(w);

    d.setFilter(NodeFilters.stateAndGroup(""));

    assertThat(w.updates).containsExactly(List.of());
  }

  @Test
  void rejectsMissingServer() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Peer2PeerDiscovery(null, ""))
        .withMessage("server must be a node key such as tcp@127.0.0.1:8972, got null");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Peer2PeerDiscovery("", ""))
        .withMessage("server must be a node key such as tcp@127.0.0.1:8972, got ''");
    assertThatIllegalArgumentException().isThrownBy(() -> new Peer2PeerDiscovery("  ", ""));
  }
}
