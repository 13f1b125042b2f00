package io.jrpcx.cli;

import io.jrpcx.RpcException;
import io.jrpcx.client.Client;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jrpcx bench}: {@code -c} callers, each making one call at a time over {@code -k} shared
 * connections, for {@code -n} calls or {@code -d} time. The arguments are encoded once and the
 * replies are not decoded, so the client's codec costs nothing and the server is what is measured.
 */
@Command(
    name = "bench",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Jrpcx.Version.class,
    customSynopsis = {
      "jrpcx bench [OPTIONS] ADDRESS SERVICE.METHOD [ARGS]",
      "jrpcx bench [OPTIONS] --registry URL [--base-path PATH] SERVICE.METHOD [ARGS]"
    },
    description =
        "Call SERVICE.METHOD under load and report throughput and latency. With --registry each"
            + " connection goes to an active node of the service found there.",
    footer = {
      "",
      "Example:",
      "  jrpcx bench tcp@127.0.0.1:8972 Arith.Mul '{\"A\":10,\"B\":20}' -c 64 -d 30s%n"
    })
final class BenchCommand implements Callable<Integer> {
  private static final int DISTINCT_ERRORS_SHOWN = 5;

  @Spec CommandSpec spec;

  @Mixin RpcOptions rpc;

  @Option(
      names = "-c",
      defaultValue = "16",
      paramLabel = "CALLERS",
      description = "concurrent callers (default: ${DEFAULT-VALUE})")
  int concurrency;

  @ArgGroup(exclusive = true)
  Amount amount = new Amount();

  @Option(
      names = "-k",
      defaultValue = "1",
      paramLabel = "CONNECTIONS",
      description = "connections the callers share (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(
      names = "--warmup",
      defaultValue = "0s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "call for this long first without measuring (default: ${DEFAULT-VALUE})")
  Duration warmup;

  /** Either a number of calls or a duration. */
  static final class Amount {
    @Option(names = "-n", paramLabel = "CALLS", description = "total calls")
    Long calls;

    @Option(
        names = "-d",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description = "how long to run, e.g. 30s (default: 10s unless -n is given)")
    Duration duration;
  }

  private final LongAdder done = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, Long> errors = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    rpc.validate();
    if (concurrency < 1 || connections < 1) {
      throw new CliException(ExitCodes.USAGE, "-c and -k must be at least 1");
    }
    if (amount.calls != null && amount.calls < 1) {
      throw new CliException(ExitCodes.USAGE, "-n must be at least 1");
    }
    Duration duration =
        amount.calls == null && amount.duration == null ? Duration.ofSeconds(10) : amount.duration;
    if (duration != null) {
      DurationConverter.requirePositive(duration, "-d");
    }
    byte[] payload = rpc.payload(System.in);
    PrintWriter out = spec.commandLine().getOut();
    List<Client> clients = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        clients.add(rpc.connect());
      }
      out.printf(
          "%s on %s: %s, %d callers, %d connection%s, %s%n",
          rpc.serviceMethod,
          rpc.target(),
          rpc.codec.name().toLowerCase(java.util.Locale.ROOT),
          concurrency,
          connections,
          connections == 1 ? "" : "s",
          duration != null ? DurationConverter.format(duration) : amount.calls + " calls");
      out.flush();
      if (!warmup.isZero()) {
        run(clients, payload, new Plan(null, warmup), false);
        done.reset();
        failed.reset();
        synchronized (errors) {
          errors.clear();
        }
      }
      Histogram latencies = run(clients, payload, new Plan(amount.calls, duration), true);
      return report(out, latencies);
    } finally {
      clients.forEach(Client::close);
    }
  }

  /** When the callers stop: after a number of calls, or at a time. */
  private static final class Plan {
    private final AtomicLong remaining;
    private final long endNanos;

    Plan(Long calls, Duration duration) {
      this.remaining = calls == null ? null : new AtomicLong(calls);
      this.endNanos = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
    }

    boolean next() {
      return remaining != null ? remaining.getAndDecrement() > 0 : System.nanoTime() < endNanos;
    }
  }

  private long elapsedNanos;

  /** Runs the callers until the plan ends; returns their latencies (µs) when measuring. */
  private Histogram run(List<Client> clients, byte[] payload, Plan plan, boolean measure)
      throws InterruptedException {
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Histogram h = new Histogram(3);
      histograms.add(h);
      Client client = clients.get(i % clients.size());
      Thread t = new Thread(() -> callLoop(client, payload, plan, h), "jrpcx-bench-" + i);
      t.setDaemon(true);
      callers.add(t);
    }
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jrpcx-bench-progress");
              t.setDaemon(true);
              return t;
            });
    long start = System.nanoTime();
    if (measure) {
      long[] last = {0, start};
      ticker.scheduleAtFixedRate(() -> progress(start, last), 1, 1, TimeUnit.SECONDS);
    }
    callers.forEach(Thread::start);
    for (Thread t : callers) {
      t.join();
    }
    elapsedNanos = System.nanoTime() - start;
    ticker.shutdownNow();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    Histogram all = new Histogram(3);
    histograms.forEach(all::add);
    return all;
  }

  private void callLoop(Client client, byte[] payload, Plan plan, Histogram latencies) {
    while (plan.next()) {
      long t0 = System.nanoTime();
      try {
        client.call(rpc.context(), rpc.service(), rpc.method(), payload, byte[].class);
        latencies.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
      } catch (RpcException e) {
        failed.increment();
        recordError(e.getMessage());
      } finally {
        done.increment();
      }
      if (client.isShutdown()) {
        // A lost connection fails every later call at once; counting those would only spin.
        recordError("connection to " + rpc.target() + " lost; this caller stopped");
        return;
      }
    }
  }

  private void recordError(String text) {
    synchronized (errors) {
      if (errors.containsKey(text) || errors.size() < DISTINCT_ERRORS_SHOWN) {
        errors.merge(text, 1L, Long::sum);
      }
    }
  }

  private void progress(long start, long[] last) {
    long now = System.nanoTime();
    long calls = done.sum();
    double rate = (calls - last[0]) * 1e9 / Math.max(1, now - last[1]);
    last[0] = calls;
    last[1] = now;
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%5.0fs  %,12d calls  %,10.0f calls/s  %,d errors%n",
        (now - start) / 1e9, calls, rate, failed.sum());
    out.flush();
  }

  private int report(PrintWriter out, Histogram latencies) {
    long calls = done.sum();
    long errorCount = failed.sum();
    double seconds = elapsedNanos / 1e9;
    out.printf(
        "calls       %,d (%,d ok, %,d errors) in %.2f s%n",
        calls, calls - errorCount, errorCount, seconds);
    out.printf("throughput  %,.0f calls/s%n", calls / seconds);
    LatencyReport.print(out, latencies);
    if (errorCount > 0) {
      out.println("errors (first " + DISTINCT_ERRORS_SHOWN + " distinct):");
      synchronized (errors) {
        errors.forEach((text, n) -> out.printf("  %,10d  %s%n", n, text));
      }
    }
    out.flush();
    return errorCount == 0 ? ExitCodes.OK : ExitCodes.REMOTE_ERROR;
  }
}
