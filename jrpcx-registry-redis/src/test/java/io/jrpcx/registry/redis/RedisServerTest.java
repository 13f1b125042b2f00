package io.jrpcx.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Redis fixture itself: it fails loudly, never skips, when redis-server is missing. */
class RedisServerTest {

  @Test
  void aMissingRedisServerFailsTheTestsWithTheAptGetHint() throws Exception {
    Path empty = Files.createTempDirectory("no-redis-");
    RedisServer missing = new RedisServer(Map.of("PATH", empty.toString()), false);

    assertThatThrownBy(missing::binary)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("apt-get install redis-server");
    assertThatThrownBy(() -> missing.beforeAll(null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("apt-get install redis-server");
    Files.delete(empty);
  }

  @Test
  void theInstalledRedisServerIsFound() {
    assertThat(new RedisServer().binary()).isExecutable();
  }
}
