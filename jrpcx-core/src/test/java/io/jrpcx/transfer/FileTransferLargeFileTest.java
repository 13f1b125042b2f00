package io.jrpcx.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2 GiB file goes up and comes back intact in a JVM whose whole heap is 32 MiB: neither end
 * ever holds the file, or any large part of it, in memory.
 */
class FileTransferLargeFileTest {
  private static final long SIZE = 2L << 30;
  private static final String MAX_HEAP = "-Xmx32m";

  @TempDir Path work;

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void aTwoGigabyteSparseFileMovesBothWaysWithASmallHeap() throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            MAX_HEAP,
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dio.netty.leakDetection.level=PARANOID",
            "-cp",
            System.getProperty("java.class.path"),
            LargeTransferChild.class.getName(),
            work.toString(),
            Long.toString(SIZE));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try {
      output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as(output).isZero();
    String result =
        output
            .lines()
            .filter(l -> l.startsWith("RESULT "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no RESULT line:\n" + output));
    System.out.println("2 GiB transfer with " + MAX_HEAP + ": " + result);
    Map<String, String> r = new HashMap<>();
    for (String kv : result.substring("RESULT ".length()).split(" ")) {
      r.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    assertThat(Long.parseLong(r.get("sent"))).isEqualTo(SIZE);
    assertThat(Long.parseLong(r.get("received"))).isEqualTo(SIZE);
    assertThat(Long.parseLong(r.get("storedSize"))).isEqualTo(SIZE);
    assertThat(r.get("downloaded")).isEqualTo(r.get("source"));
    assertThat(output).doesNotContain("OutOfMemoryError", "LEAK");
  }
}
