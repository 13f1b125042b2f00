package io.jrpcx.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Opens many connections at once: blocking connects run on a few threads. */
final class Parallel {
  private static final int THREADS = 8;

  private Parallel() {}

  /** A task that opens connection {@code index}. */
  interface Opener<T> {
    T open(int index) throws Exception;
  }

  /**
   * Runs {@code opener} for 0..n-1 and returns the results in order. When one fails, the ones
   * that succeeded are passed to {@code cleanup} and the failure is thrown.
   */
  static <T> List<T> open(int n, Opener<T> opener, java.util.function.Consumer<T> cleanup)
      throws Exception {
    List<T> out = new ArrayList<>(n);
    if (n <= 4) {
      try {
        for (int i = 0; i < n; i++) {
          out.add(opener.open(i));
        }
        return out;
      } catch (Exception e) {
        out.forEach(cleanup);
        throw e;
      }
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(THREADS, n),
            r -> {
              Thread t = new Thread(r, "bench-connect");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<T>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> opener.open(index)));
      }
      Exception failure = null;
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
          }
        }
      }
      if (failure != null) {
        out.forEach(cleanup);
        throw failure;
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
