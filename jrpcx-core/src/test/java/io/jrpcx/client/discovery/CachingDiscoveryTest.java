package io.jrpcx.client.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CachingDiscoveryTest {

  private static final KVPair A = new KVPair("tcp@10.0.0.1:8972", "weight=10&group=g1");
  private static final KVPair B = new KVPair("tcp@10.0.0.2:8972", "name=a%20b");
  private static final KVPair C = new KVPair("unix@/tmp/x.sock", "");
  private static final KVPair D = new KVPair("tcp@10.0.0.4:8972", "state=inactive");

  @TempDir Path dir;

  @Test
  void persistsTheListWhenAboveTheThreshold() throws IOException {
    Path file = dir.resolve("cache/Arith.json");
    MultipleServersDiscovery live = new MultipleServersDiscovery(List.of(A, B));

    try (CachingDiscovery d = CachingDiscovery.wrap(live, 1, file)) {
      assertThat(d.services()).containsExactly(A, B);
      assertThat(readFile(file)).containsExactly(A, B);

      live.update(List.of(A, B, C));

      assertThat(readFile(file)).containsExactly(A, B, C);
    }
  }

  @Test
  void writesAPlainArrayOfKeysAndValues() throws IOException {
    Path file = dir.resolve("Arith.json");

    CachingDiscovery.wrap(new MultipleServersDiscovery(List.of(A)), 0, file).close();

    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.isArray()).isTrue();
    assertThat(json.get(0).get("key").asText()).isEqualTo(A.key());
    assertThat(json.get(0).get("value").asText()).isEqualTo(A.value());
    assertThat(json.get(0).size()).isEqualTo(2);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void doesNotPersistAtOrBelowTheThreshold() {
    Path file = dir.resolve("Arith.json");

    try (CachingDiscovery d =
        CachingDiscovery.wrap(new MultipleServersDiscovery(List.of(A, B)), 2, file)) {
      assertThat(d.services()).containsExactly(A, B);
    }

    assertThat(file).doesNotExist();
  }

  @Test
  void servesTheCacheWhileTheLiveListIsAtOrBelowTheThresholdAndSwitchesBack() {
    MultipleServersDiscovery live = new MultipleServersDiscovery(List.of(A, B, C));
    try (CachingDiscovery d = CachingDiscovery.wrap(live, 1, dir.resolve("Arith.json"))) {
      RecordingWatcher w = new RecordingWatcher();
      d.watch(w);

      live.update(List.of(A));
      assertThat(d.services()).containsExactly(A, B, C);
      live.update(List.of());
      assertThat(d.services()).containsExactly(A, B, C);
      assertThat(w.updates).isEmpty(); // the served list never changed

      live.update(List.of(B, C));
      assertThat(d.services()).containsExactly(B, C);
      assertThat(w.updates).containsExactly(List.of(B, C));

      live.update(List.of(C)); // the cache is now the last healthy list, not the first
      assertThat(d.services()).containsExactly(B, C);
      assertThat(w.updates).containsExactly(List.of(B, C));
    }
  }

  @Test
  void servesTheLiveListWhenThereIsNoCache() {
    MultipleServersDiscovery live = new MultipleServersDiscovery(List.of(A));
    try (CachingDiscovery d = CachingDiscovery.wrap(live, 1, dir.resolve("Arith.json"))) {
      RecordingWatcher w = new RecordingWatcher();
      d.watch(w);

      live.update(List.of());

      assertThat(d.services()).isEmpty();
      assertThat(w.updates).containsExactly(List.of());
    }
  }

  @Test
  void freshInstanceServesTheListAnEarlierRunPersisted() {
    Path file = dir.resolve("Arith.json");
    CachingDiscovery.wrap(new MultipleServersDiscovery(List.of(A, B, C)), 1, file).close();

    MultipleServersDiscovery outage = new MultipleServersDiscovery(List.of());
    try (CachingDiscovery restarted = CachingDiscovery.wrap(outage, 1, file)) {
      assertThat(restarted.services()).containsExactly(A, B, C);

      outage.update(List.of(B, C));

      assertThat(restarted.services()).containsExactly(B, C);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json{",
        "{\"key\":\"tcp@a:1\",\"value\":\"\"}",
        "[1, 2]",
        "[{\"value\":\"weight=1\"}]",
        "[{\"key\":\"\",\"value\":\"\"}]",
        "[{\"key\":\"tcp@a:1\",\"value\":{}}]",
        "[{\"key\":\"tcp@a:1\",\"value\":\"\"}",
      })
  void corruptCacheFileIsIgnored(String content) throws IOException {
    Path file = dir.resolve("Arith.json");
    Files.writeString(file, content);
    MultipleServersDiscovery live = new MultipleServersDiscovery(List.of(A));

    try (CachingDiscovery d = CachingDiscovery.wrap(live, 1, file)) {
      assertThat(d.services()).containsExactly(A);

      live.update(List.of(A, B));

      assertThat(readFile(file)).containsExactly(A, B);
    }
  }

  @Test
  void binaryGarbageInTheCacheFileIsIgnored() throws IOException {
    Path file = dir.resolve("Arith.json");
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '[', (byte) 0xc3});

    try (CachingDiscovery d =
        CachingDiscovery.wrap(new MultipleServersDiscovery(List.of()), 0, file)) {
      assertThat(d.services()).isEmpty();
    }
  }

  @Test
  void cacheThatCannotBeWrittenStillProtectsFromMemory() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    Path file = notADirectory.resolve("Arith.json");
    MultipleServersDiscovery live = new MultipleServersDiscovery(List.of(A, B));

    try (CachingDiscovery d = CachingDiscovery.wrap(live, 1, file)) {
      live.update(List.of());

      assertThat(d.services()).containsExactly(A, B);
    }
    assertThat(Files.readString(notADirectory, StandardCharsets.UTF_8)).isEqualTo("x");
  }

  @Test
  void filterAppliesToTheCachedList() {
    MultipleServersDiscovery live = new MultipleServersDiscovery(List.of(A, B, D));
    try (CachingDiscovery d = CachingDiscovery.wrap(live, 1, dir.resolve("Arith.json"))) {
      d.setFilter(NodeFilters.stateAndGroup("g1"));
      assertThat(d.services()).containsExactly(A);

      live.update(List.of());

      assertThat(d.services()).containsExactly(A);
    }
  }

  @Test
  void thresholdCountsTheNodesTheDelegateReports() {
    MultipleServersDiscovery live = new MultipleServersDiscovery(List.of(A, D));
    live.setFilter(NodeFilters.stateAndGroup(""));

    try (CachingDiscovery d = CachingDiscovery.wrap(live, 1, dir.resolve("Arith.json"))) {
      assertThat(d.services()).containsExactly(A);
      assertThat(dir.resolve("Arith.json")).doesNotExist();
    }
  }

  @Test
  void cloneKeepsAFileNamedAfterTheServiceBesideTheOriginal() throws IOException {
    Path file = dir.resolve("template.json");
    MultipleServersDiscovery template = new MultipleServersDiscovery(List.of(A, B));
    try (CachingDiscovery d = CachingDiscovery.wrap(template, 1, file);
        CachingDiscovery clone = d.clone("Arith")) {
      assertThat(clone.file()).isEqualTo(dir.resolve("Arith.json"));
      assertThat(clone.services()).containsExactly(A, B);
      assertThat(readFile(dir.resolve("Arith.json"))).containsExactly(A, B);

      template.update(List.of(C, D));
      assertThat(clone.services()).containsExactly(A, B);
    }
  }

  @Test
  void cloneNeverEscapesTheDirectory() {
    try (CachingDiscovery d =
            CachingDiscovery.wrap(
                new MultipleServersDiscovery(List.of(A)), 0, dir.resolve("template.json"));
        CachingDiscovery clone = d.clone("../a/b")) {
      assertThat(clone.file()).isEqualTo(dir.resolve(".._a_b.json"));
    }
  }

  @Test
  void closeClosesTheDelegate() {
    MultipleServersDiscovery live = new MultipleServersDiscovery(List.of(A, B));
    CachingDiscovery d = CachingDiscovery.wrap(live, 1, dir.resolve("Arith.json"));

    d.close();

    assertThat(live.isClosed()).isTrue();
    assertThat(d.isClosed()).isTrue();
  }

  @Test
  void rejectsANegativeThreshold() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                CachingDiscovery.wrap(
                    new MultipleServersDiscovery(List.of()), -1, dir.resolve("Arith.json")))
        .withMessage("threshold must be at least 0, got -1");
  }

  private static List<KVPair> readFile(Path file) throws IOException {
    List<KVPair> nodes = new ArrayList<>();
    for (JsonNode entry : new ObjectMapper().readTree(file.toFile())) {
      nodes.add(new KVPair(entry.get("key").asText(), entry.get("value").asText()));
    }
    return nodes;
  }
}
