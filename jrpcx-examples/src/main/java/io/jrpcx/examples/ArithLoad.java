package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A quick load check: {@code --concurrency} threads call Arith.Mul back to back over ONE
 * connection for {@code --duration} after a warm-up, checking every reply, then print calls per
 * second and the mean latency. The side-by-side benchmarks live in {@code jrpcx-benchmark}.
 *
 * <pre>
 * java -cp jrpcx-examples.jar io.jrpcx.examples.ArithServer --addr 127.0.0.1:8972 &amp;
 * java -cp jrpcx-examples.jar io.jrpcx.examples.ArithLoad --addr 127.0.0.1:8972 \
 *     --concurrency 64 --duration 10s
 * </pre>
 */
public final class ArithLoad {
  private ArithLoad() {}

  public static void main(String[] args) throws InterruptedException {
    Flags flags = new Flags(args);
    String addr = flags.get("addr", "127.0.0.1:8972");
    int concurrency = Integer.parseInt(flags.get("concurrency", "64"));
    Duration warmup = Duration.parse("PT" + flags.get("warmup", "3s"));
    Duration duration = Duration.parse("PT" + flags.get("duration", "10s"));

    try (Client client = new Client(ClientOptions.DEFAULT)) {
      client.connect("tcp", addr);
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      LongAdder calls = new LongAdder();
      LongAdder nanos = new LongAdder();
      AtomicLong errors = new AtomicLong();
      CountDownLatch done = new CountDownLatch(concurrency);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        int seed = t;
        Thread thread =
            new Thread(
                () -> {
                  int i = seed;
                  while (!stop.get()) {
                    Args a = new Args(i % 1000, 7);
                    long start = System.nanoTime();
                    try {
                      Reply r = client.call(Context.background(), "Arith", "Mul", a, Reply.class);
                      if (r.C != a.A * a.B) {
                        errors.incrementAndGet();
                      }
                    } catch (RuntimeException e) {
                      errors.incrementAndGet();
                    }
                    if (measuring.get()) {
                      nanos.add(System.nanoTime() - start);
                      calls.increment();
                    }
                    i++;
                  }
                  done.countDown();
                },
                "load-" + t);
        threads.add(thread);
        thread.start();
      }
      Thread.sleep(warmup.toMillis()); // the load runs for a fixed time: this is the clock
      measuring.set(true);
      long begin = System.nanoTime();
      Thread.sleep(duration.toMillis());
      measuring.set(false);
      double seconds = (System.nanoTime() - begin) / 1e9;
      stop.set(true);
      done.await();
      long n = calls.sum();
      System.out.printf(
          "Arith.Mul over 1 connection, %d concurrent callers, %.1f s: "
              + "%d calls, %.0f calls/s, mean latency %.1f us, %d errors%n",
          concurrency, seconds, n, n / seconds, n == 0 ? 0 : nanos.sum() / 1e3 / n, errors.get());
    }
  }
}
