package io.jrpcx.registry.mdns;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened: plain resources first, newest first, then the mDNS plugins and
 * discoveries in parallel.
 */
final class Closer implements AfterEachCallback {
  private final List<AutoCloseable> plain = new ArrayList<>();
  private final List<AutoCloseable> slow = new ArrayList<>();

  <T extends AutoCloseable> T later(T c) {
    plain.add(c);
    return c;
  }

  /** For mDNS plugins and discoveries, closed in parallel after the rest. */
  <T extends AutoCloseable> T laterSlow(T c) {
    slow.add(c);
    return c;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception failure = null;
    for (int i = plain.size() - 1; i >= 0; i--) {
      try {
        plain.get(i).close();
      } catch (Exception e) {
        failure = e;
      }
    }
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (AutoCloseable c : slow) {
      closing.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  c.close();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    CompletableFuture.allOf(closing.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
    plain.clear();
    slow.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
