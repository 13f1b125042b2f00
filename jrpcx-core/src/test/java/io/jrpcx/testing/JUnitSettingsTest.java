package io.jrpcx.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JUnit settings every module's tests run with, given once in the parent pom's surefire
 * configuration: the leak check on every class, and a time bound on every test.
 */
class JUnitSettingsTest {
  private static final Map<String, String> seen = new ConcurrentHashMap<>();

  @RegisterExtension
  static final BeforeEachCallback READ =
      ctx -> {
        for (String key :
            new String[] {
              "junit.jupiter.extensions.autodetection.enabled",
              "junit.jupiter.execution.timeout.default",
              "junit.jupiter.execution.timeout.thread.mode.default"
            }) {
          ctx.getConfigurationParameter(key).ifPresent(v -> seen.put(key, v));
        }
      };

  @Test
  void everyTestGetsTheLeakCheckAndATimeBound() {
    assertThat(seen)
        .containsEntry("junit.jupiter.extensions.autodetection.enabled", "true")
        .containsEntry("junit.jupiter.execution.timeout.default", "60 s")
        .containsEntry("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD");
  }
}
