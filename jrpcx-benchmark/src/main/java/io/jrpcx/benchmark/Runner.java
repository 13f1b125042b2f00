package io.jrpcx.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Runs the selected scenarios against the selected peers, one server JVM per run, and reports.
 *
 * <p>A load run: start the server JVM, connect, run the {@link LoadGenerator} (warm-up, then the
 * measured window, sampling the server's and this process's CPU time at the window's edges and
 * the server's RSS at its end), close, kill the server.
 *
 * <p>An idle run: start the server JVM, warm its connection path with one connection, close it,
 * force a GC in the server and read its used heap; open N connections and make one call on each
 * (the state a pooled, idle connection has); GC again and read the heap. The difference divided
 * by N is the server heap per idle connection.
 */
final class Runner {
  private static final String HOST = "127.0.0.1";
  private static final Duration SERVER_START_TIMEOUT = Duration.ofSeconds(90);
  private static final int IDLE_TOUCH_IN_FLIGHT = 256;
  private static final int IDLE_WARM_CALLS = 200;

  private final Options options;
  private final PrintStream out;
  private final Progress progress;
  private final long selfPid = ProcessHandle.current().pid();

  Runner(Options options, PrintStream out, PrintStream progressOut) {
    this.options = options;
    this.out = out;
    this.progress = new Progress(progressOut, System.console() != null);
  }

  /** Runs everything, prints the table to {@code out}, writes the JSON; returns the rows. */
  List<Row> run() throws IOException, InterruptedException {
    List<Scenario> scenarios = options.selectedScenarios();
    List<Row> rows = new ArrayList<>();
    for (Scenario s : scenarios) {
      for (Peer p : peersFor(s)) {
        rows.add(new Row(s, p));
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no selected peer runs the selected scenarios");
    }
    long begin = System.nanoTime();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      String label =
          String.format(
              Locale.ROOT,
              "[%2d/%d] %s %s",
              i + 1,
              rows.size(),
              row.scenario.name(),
              row.peer.id());
      try {
        if (row.scenario.isIdle()) {
          runIdle(row, label);
        } else {
          runLoad(row, label);
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        row.error = describe(e);
      }
      progress.done(label + ": " + Report.summary(row));
    }
    Report.computeRatios(rows);
    out.println();
    out.print(Report.table(rows, options, (System.nanoTime() - begin) / 1e9));
    Report.writeJson(rows, options.out);
    out.println("Results written to " + options.out.toAbsolutePath().normalize());
    return rows;
  }

  /** The selected peers that take part in {@code s}; idle runs need only one jrpcx codec. */
  List<Peer> peersFor(Scenario s) {
    List<Peer> peers = new ArrayList<>();
    boolean jrpcxTaken = false;
    for (Peer p : options.peers) {
      if (!p.supports(s.workload())) {
        continue;
      }
      if (s.isIdle() && p.isJrpcx()) {
        if (jrpcxTaken) {
          continue; // the server side of an idle connection does not depend on the codec
        }
        jrpcxTaken = true;
      }
      peers.add(p);
    }
    return peers;
  }

  private void runLoad(Row row, String label) throws Exception {
    Scenario s = row.scenario;
    progress.update(label + ": starting server");
    try (ServerProcess server =
        ServerProcess.start(
            row.peer, options.serverJvmArgs, 0, options.verbose, SERVER_START_TIMEOUT)) {
      progress.update(label + ": connecting");
      try (PeerClient client =
          row.peer.connect(HOST, server.port(), s.connections(), s.workload())) {
        // One call before the clock starts: a peer's first call loads classes and sets up
        // streams, which can take longer than a short window and is not what is measured.
        client.call().get(30, TimeUnit.SECONDS);
        long[] cpu = new long[4];
        long[] rss = new long[1];
        LoadResult r =
            LoadGenerator.run(
                client,
                s.concurrency(),
                options.rate,
                options.warmup,
                options.duration,
                new LoadGenerator.Listener() {
                  @Override
                  public void measureStarted() {
                    cpu[0] = server.cpuNanos();
                    cpu[1] = ProcStats.cpuNanos(selfPid);
                  }

                  @Override
                  public void measureEnded() {
                    cpu[2] = server.cpuNanos();
                    cpu[3] = ProcStats.cpuNanos(selfPid);
                    rss[0] = server.rssBytes();
                  }

                  @Override
                  public void progress(
                      boolean measuring, double elapsed, double total, double callsPerSecond) {
                    progress.update(
                        String.format(
                            Locale.ROOT,
                            "%s: %s %.0f/%.0f s, %,.0f calls/s",
                            label,
                            measuring ? "measuring" : "warm-up",
                            elapsed,
                            total,
                            callsPerSecond));
                  }
                });
        fill(row, r, cpu, rss[0]);
      }
    }
  }

  private void fill(Row row, LoadResult r, long[] cpu, long rss) {
    Histogram h = r.latency();
    row.mode = r.mode();
    row.calls = r.calls();
    row.errors = r.errors();
    row.seconds = r.seconds();
    row.throughput = r.throughput();
    if (h.getTotalCount() > 0) {
      row.meanUs = h.getMean() / 1e3;
      row.p50Us = h.getValueAtPercentile(50) / 1e3;
      row.p99Us = h.getValueAtPercentile(99) / 1e3;
      row.p999Us = h.getValueAtPercentile(99.9) / 1e3;
      row.maxUs = h.getMaxValue() / 1e3;
    }
    if (r.corrected() != null && r.corrected().getTotalCount() > 0) {
      row.p99CorrectedUs = r.corrected().getValueAtPercentile(99) / 1e3;
      row.p999CorrectedUs = r.corrected().getValueAtPercentile(99.9) / 1e3;
    }
    double windowNanos = r.seconds() * 1e9;
    if (cpu[0] >= 0 && cpu[2] >= 0 && windowNanos > 0) {
      row.serverCpuPercent = (cpu[2] - cpu[0]) * 100.0 / windowNanos;
    }
    if (cpu[1] >= 0 && cpu[3] >= 0 && windowNanos > 0) {
      row.clientCpuPercent = (cpu[3] - cpu[1]) * 100.0 / windowNanos;
    }
    if (rss > 0) {
      row.serverRssMb = rss / (1024.0 * 1024.0);
    }
    if (!row.scenario.workload().isMessage()) {
      row.payloadMbPerSecond = r.throughput() * row.scenario.workload().size() / 1e6;
    }
    if (r.errors() > 0) {
      row.error = r.errors() + " failed calls, first: " + r.firstError();
    }
  }

  private void runIdle(Row row, String label) throws Exception {
    int n = row.scenario.idleConnections();
    long need = n + 1024L;
    long ownLimit = ProcStats.openFileLimit(selfPid);
    long raiseTo = ownLimit >= 0 && ownLimit < need ? need : 0;
    progress.update(label + ": starting server");
    try (ServerProcess server =
        ServerProcess.start(
            row.peer, options.serverJvmArgs, raiseTo, options.verbose, SERVER_START_TIMEOUT)) {
      if (ownLimit >= 0 && ownLimit < need) {
        row.error =
            "this process may open only "
                + ownLimit
                + " files; "
                + need
                + " wanted"
                + " (raise ulimit -n)";
      }
      if (server.openFileLimit() >= 0 && server.openFileLimit() < need) {
        row.error =
            "the server may open only "
                + server.openFileLimit()
                + " files; "
                + need
                + " wanted (raise the hard limit: ulimit -Hn)";
      }
      progress.update(label + ": warming the server's connection path");
      try (PeerClient warm = row.peer.connect(HOST, server.port(), 1, Workload.message())) {
        for (int i = 0; i < IDLE_WARM_CALLS; i++) {
          warm.call().get(30, TimeUnit.SECONDS);
        }
      }
      long heapBefore = server.gcAndHeapUsed();
      long rssBefore = server.rssBytes();
      progress.update(label + ": opening " + n + " connections");
      long t0 = System.nanoTime();
      try (PeerClient idle = row.peer.connect(HOST, server.port(), n, Workload.message())) {
        progress.update(label + ": one call on each of " + n + " connections");
        row.errors = touch(idle, n);
        progress.update(label + ": measuring the server heap");
        long heapAfter = server.gcAndHeapUsed();
        long rssAfter = server.rssBytes();
        row.seconds = (System.nanoTime() - t0) / 1e9;
        row.mode = "idle";
        row.heapPerConnectionBytes = (heapAfter - heapBefore) / (double) n;
        if (rssBefore > 0 && rssAfter > 0) {
          row.rssPerConnectionBytes = (rssAfter - rssBefore) / (double) n;
          row.serverRssMb = rssAfter / (1024.0 * 1024.0);
        }
        if (row.errors > 0 && row.error == null) {
          row.error = row.errors + " of " + n + " calls failed";
        }
      }
    }
  }

  /** One call per connection (the clients go round-robin), at most 256 at once. */
  private static long touch(PeerClient client, int n) throws InterruptedException {
    Semaphore inFlight = new Semaphore(IDLE_TOUCH_IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(n);
    LongAdder failed = new LongAdder();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      CompletableFuture<?> f;
      try {
        f = client.call();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete(
          (reply, failure) -> {
            if (failure != null) {
              failed.increment();
            }
            inFlight.release();
            done.countDown();
          });
    }
    if (!done.await(5, TimeUnit.MINUTES)) {
      return failed.sum() + done.getCount();
    }
    return failed.sum();
  }

  private static String describe(Throwable e) {
    Throwable cause =
        e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
            ? e.getCause()
            : e;
    return cause.getMessage() == null
        ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** The progress line: rewritten in place on a terminal, a line every few seconds otherwise. */
  static final class Progress {
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private final PrintStream out;
    private final boolean terminal;
    private int lastLength;
    private long lastLogged;

    Progress(PrintStream out, boolean terminal) {
      this.out = out;
      this.terminal = terminal;
    }

    synchronized void update(String line) {
      if (terminal) {
        out.print("\r" + pad(line));
        out.flush();
        return;
      }
      long now = System.nanoTime();
      if (now - lastLogged >= LOG_INTERVAL_NANOS) {
        out.println(line);
        lastLogged = now;
      }
    }

    synchronized void done(String line) {
      if (terminal) {
        out.println("\r" + pad(line));
        lastLength = 0;
      } else {
        out.println(line);
        lastLogged = System.nanoTime();
      }
      out.flush();
    }

    private String pad(String line) {
      String padded =
          line.length() < lastLength ? line + " ".repeat(lastLength - line.length()) : line;
      lastLength = line.length();
      return padded;
    }
  }
}
