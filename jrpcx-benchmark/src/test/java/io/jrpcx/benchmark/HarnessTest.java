package io.jrpcx.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole harness, briefly: real server JVMs, real clients, the table and the JSON. Runs are a
 * fraction of a second each; nothing here checks speed.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class HarnessTest {
  private static final String SERVER_JVM = "-Xmx256m -XX:TieredStopAtLevel=1";

  @TempDir Path dir;

  private final ByteArrayOutputStream table = new ByteArrayOutputStream();
  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  private List<Row> run(String... args) throws Exception {
    Options options = Options.parse(args);
    return new Runner(
            options,
            new PrintStream(table, true, StandardCharsets.UTF_8),
            new PrintStream(progress, true, StandardCharsets.UTF_8))
        .run();
  }

  @Test
  void everyPeerServesTheMessageFromItsOwnJvm() throws Exception {
    Path out = dir.resolve("latest.json");

    List<Row> rows =
        run(
            "--scenarios",
            "c1",
            "--warmup",
            "200ms",
            "--duration",
            "1s",
            "--server-jvm",
            SERVER_JVM,
            "--out",
            out.toString());

    assertThat(rows).extracting(r -> r.peer).containsExactly(Peer.values());
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.error).as(r.peer.id()).isNull();
              assertThat(r.calls).as(r.peer.id()).isPositive();
              assertThat(r.errors).isZero();
              assertThat(r.throughput).isPositive();
              assertThat(r.p99Us).isGreaterThanOrEqualTo(r.p50Us);
              assertThat(r.serverRssMb).isPositive();
              assertThat(r.serverCpuPercent).isNotNaN();
              assertThat(r.jrpcxRatio).isPositive();
            });
    List<Map<String, Object>> json =
        new ObjectMapper().readValue(out.toFile(), new TypeReference<>() {});
    assertThat(json).hasSize(Peer.values().length);
    assertThat(json)
        .allSatisfy(
            o ->
                assertThat(o)
                    .containsKeys(
                        "scenario",
                        "peer",
                        "throughput",
                        "p50_us",
                        "p99_us",
                        "p999_us",
                        "server_rss_mb"));
    assertThat(json.get(4)).containsEntry("scenario", "c1").containsEntry("peer", "grpc");
    String printed = table.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains(
            "| c1 | jrpcx-msgpack |",
            "| c1 | jrpcx-protobuf |",
            "| c1 | dubbo |",
            "| c1 | netty |",
            "| c1 | jrpcx-ws |",
            "| c1 | jrpcx-wss |");
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("[ 7/13] c1 netty", "[11/13] c1 jrpcx-reuseport", "[13/13] c1 jrpcx-kcp");
  }

  @Test
  void bytesAndIdleConnections() throws Exception {
    Path out = dir.resolve("idle.json");

    List<Row> rows =
        run(
            "--peers",
            "jrpcx-raw,dubbo",
            "--scenarios",
            "payload-1KB,idle-16",
            "--warmup",
            "200ms",
            "--duration",
            "1s",
            "--server-jvm",
            SERVER_JVM,
            "--out",
            out.toString());

    assertThat(rows)
        .extracting(r -> r.scenario.name() + " " + r.peer.id())
        .containsExactly(
            "payload-1KB jrpcx-raw", "payload-1KB dubbo", "idle-16 jrpcx-raw", "idle-16 dubbo");
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.error).as(r.scenario.name() + " " + r.peer.id()).isNull();
              assertThat(r.errors).isZero();
              assertThat(r.serverRssMb).isPositive();
            });
    assertThat(rows.subList(0, 2))
        .allSatisfy(
            r -> {
              assertThat(r.calls).isPositive();
              assertThat(r.payloadMbPerSecond).isPositive();
            });
    // With 16 connections GC noise may outweigh them: the value exists, its size is the run's.
    assertThat(rows.subList(2, 4)).allSatisfy(r -> assertThat(r.heapPerConnectionBytes).isNotNaN());
    assertThat(table.toString(StandardCharsets.UTF_8)).contains("server heap per connection");
  }

  @Test
  void everyNetworkRunsTheMessageAndThePayloadScenarios() throws Exception {
    List<Row> rows =
        run(
            "--peers",
            "jrpcx-http,jrpcx-ws,jrpcx-wss,jrpcx-reuseport,jrpcx-quic,jrpcx-kcp",
            "--scenarios",
            "c1,payload-16KB",
            "--warmup",
            "200ms",
            "--duration",
            "500ms",
            "--server-jvm",
            SERVER_JVM,
            "--out",
            dir.resolve("networks.json").toString());

    assertThat(rows)
        .extracting(r -> r.scenario.name() + " " + r.peer.id())
        .containsExactly(
            "c1 jrpcx-http",
            "c1 jrpcx-ws",
            "c1 jrpcx-wss",
            "c1 jrpcx-reuseport",
            "c1 jrpcx-quic",
            "c1 jrpcx-kcp",
            "payload-16KB jrpcx-http",
            "payload-16KB jrpcx-ws",
            "payload-16KB jrpcx-wss",
            "payload-16KB jrpcx-reuseport",
            "payload-16KB jrpcx-quic",
            "payload-16KB jrpcx-kcp");
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.error).as(r.scenario.name() + " " + r.peer.id()).isNull();
              assertThat(r.errors).isZero();
              assertThat(r.calls).isPositive();
            });
    assertThat(rows.subList(6, 12)).allSatisfy(r -> assertThat(r.payloadMbPerSecond).isPositive());
  }
}
