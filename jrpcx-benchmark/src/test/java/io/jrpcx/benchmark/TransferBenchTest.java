package io.jrpcx.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The transfer benchmark runs end to end on a small file; nothing here checks speed. */
class TransferBenchTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void measuresTheSideChannelBesideAPlainSocketCopy() throws Exception {
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    Map<String, Double> result =
        new TransferBench(4 << 20, 1, new PrintStream(table, true, StandardCharsets.UTF_8)).run();
    assertThat(result)
        .containsKeys(
            "socket_copy_mb_per_s",
            "upload_mb_per_s",
            "download_mb_per_s",
            "upload_ratio",
            "download_ratio");
    assertThat(result.values()).allMatch(v -> v > 0);
    assertThat(table.toString(StandardCharsets.UTF_8))
        .contains("plain socket copy (ceiling)", "jrpcx sendFile", "jrpcx downloadFile");
  }

  @Test
  void sizesTakeUnits() {
    assertThat(TransferBench.parseSize("1g")).isEqualTo(1L << 30);
    assertThat(TransferBench.parseSize("64m")).isEqualTo(64L << 20);
    assertThat(TransferBench.parseSize("1000")).isEqualTo(1000);
  }
}
