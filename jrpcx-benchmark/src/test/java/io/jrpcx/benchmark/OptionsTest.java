package io.jrpcx.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsRunEveryPeerThroughEveryScenario() {
    Options o = Options.parse();

    assertThat(o.peers).containsExactly(Peer.values());
    assertThat(o.selectedScenarios())
        .extracting(Scenario::name)
        .containsExactly(
            "c1",
            "c100",
            "c1000",
            "c1000x4",
            "payload-100B",
            "payload-1KB",
            "payload-16KB",
            "payload-1MB",
            "idle-1k",
            "idle-10k");
    assertThat(o.rate).isZero();
    assertThat(o.selectedScenarios())
        .filteredOn(s -> s.name().equals("c1000x4"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.concurrency()).isEqualTo(1000);
              assertThat(s.connections()).isEqualTo(4);
            });
    assertThat(o.selectedScenarios())
        .filteredOn(s -> !s.name().equals("c1000x4"))
        .allSatisfy(s -> assertThat(s.connections()).isEqualTo(1));
  }

  @Test
  void cNxKRunsNCallsInFlightOverKConnections() {
    Scenario s = Options.parse("--scenarios", "c64x2").selectedScenarios().get(0);

    assertThat(s.concurrency()).isEqualTo(64);
    assertThat(s.connections()).isEqualTo(2);
  }

  @Test
  void parsesPeersScenariosAndDurations() {
    Options o =
        Options.parse(
            "all",
            "--peers",
            "grpc,jrpcx-raw",
            "--scenarios=payload,c7",
            "--warmup",
            "500ms",
            "--duration",
            "2s",
            "--connections",
            "4",
            "--rate",
            "1000");

    assertThat(o.peers).containsExactly(Peer.GRPC, Peer.JRPCX_RAW);
    List<Scenario> scenarios = o.selectedScenarios();
    assertThat(scenarios)
        .extracting(Scenario::name)
        .containsExactly("payload-100B", "payload-1KB", "payload-16KB", "payload-1MB", "c7");
    assertThat(scenarios).allSatisfy(s -> assertThat(s.connections()).isEqualTo(4));
    assertThat(scenarios.get(4).concurrency()).isEqualTo(7);
    assertThat(o.warmup).isEqualTo(Duration.ofMillis(500));
    assertThat(o.duration).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.rate).isEqualTo(1000);
  }

  @Test
  void smokeIsShort() {
    Options o = Options.parse("--smoke");

    assertThat(o.selectedScenarios()).extracting(Scenario::name).containsExactly("c100", "idle-1k");
    assertThat(o.duration.plus(o.warmup)).isLessThanOrEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void rejectsUnknownNames() {
    assertThatThrownBy(() -> Options.parse("--peers", "thrift"))
        .hasMessageContaining("unknown peer 'thrift'");
    assertThatThrownBy(() -> Options.parse("--scenarios", "fast").selectedScenarios())
        .hasMessageContaining("unknown scenario 'fast'");
    assertThatThrownBy(() -> Options.parse("--bogus", "1")).hasMessageContaining("unknown option");
  }

  @Test
  void theByteSweepSkipsTheObjectCodecsAndIdleRunsOneJrpcx() {
    Runner runner = new Runner(Options.parse(), System.out, System.err);

    // The network peers send raw bytes in the sweep, as jrpcx-raw does on tcp.
    assertThat(runner.peersFor(Scenario.load("p", Workload.bytes(10), 1, 1)))
        .containsExactly(
            Peer.JRPCX_RAW,
            Peer.GRPC,
            Peer.DUBBO,
            Peer.NETTY,
            Peer.JRPCX_HTTP,
            Peer.JRPCX_WS,
            Peer.JRPCX_WSS,
            Peer.JRPCX_REUSEPORT,
            Peer.JRPCX_QUIC,
            Peer.JRPCX_KCP);
    assertThat(runner.peersFor(Scenario.idle("i", 10)))
        .containsExactly(Peer.JRPCX_MSGPACK, Peer.GRPC, Peer.DUBBO, Peer.NETTY);
  }
}
