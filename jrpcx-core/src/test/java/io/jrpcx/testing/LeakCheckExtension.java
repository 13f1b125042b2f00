package io.jrpcx.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer after it ran. Registered for every test
 * class through JUnit's extension auto-detection (see {@code junit-platform.properties}).
 *
 * <p>Detection needs the leaked buffer to have been garbage collected and noticed, so a leak is
 * sometimes reported after a later class instead; the report names the allocation site either
 * way, and Netty logs every leak at ERROR as well.
 */
public final class LeakCheckExtension implements AfterAllCallback {
  static {
    LeakDetection.install();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass().isAnnotationPresent(ExpectsLeaks.class)) {
      return;
    }
    List<String> leaks = LeakDetection.collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " Netty buffer leak(s) detected after "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n", leaks));
    }
  }
}
