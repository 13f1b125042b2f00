package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A soak run: three Arith servers, each in a JVM of its own, and one Failover XClient calling
 * Arith.Mul at about 70 % of the peak rate it measured first, while every {@code --kill-every}
 * one server (in turn) is killed with SIGKILL and restarted on its port {@code --down} later.
 * Every {@code --report-every} it prints the calls, the failed calls, the client's and each
 * server's heap after a full GC, and the Netty buffers reported leaked so far (client and
 * servers run Netty's leak detector at PARANOID, which tracks every buffer); at the end a
 * summary and {@code RESULT: PASS} (no failed call, no wrong answer, no leak) or {@code FAIL}.
 *
 * <pre>
 * mvn -B -q -DskipTests package
 * java -Dio.netty.leakDetection.level=paranoid -cp jrpcx-examples/target/jrpcx-examples.jar \
 *     io.jrpcx.examples.Soak --duration 10m
 * </pre>
 *
 * <p>Flags (defaults): {@code --duration 10m}, {@code --servers 3}, {@code --kill-every 30s},
 * {@code --down 5s}, {@code --report-every 30s}, {@code --concurrency 32}, {@code --warmup 10s}
 * and {@code --calibrate 10s} (the peak measurement, closed loop, before any fault), {@code
 * --load 0.7} (fraction of the peak), {@code --rate N} (calls per second, instead of
 * calibrating), {@code --server-heap 256m}.
 */
public final class Soak {
  private static final LongAdder clientLeaks = new LongAdder();

  private Soak() {}

  public static void main(String[] args) throws Exception {
    // Before Netty is loaded: track every buffer, and count the leaks it logs (slf4j-simple
    // writes to System.err as it is when logging).
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "paranoid");
    }
    System.setErr(new LeakCountingStream(System.err));

    Flags flags = new Flags(args);
    Duration duration = duration(flags.get("duration", "10m"));
    int serverCount = Integer.parseInt(flags.get("servers", "3"));
    Duration killEvery = duration(flags.get("kill-every", "30s"));
    Duration down = duration(flags.get("down", "5s"));
    Duration reportEvery = duration(flags.get("report-every", "30s"));
    int concurrency = Integer.parseInt(flags.get("concurrency", "32"));
    Duration warmup = duration(flags.get("warmup", "10s"));
    Duration calibrate = duration(flags.get("calibrate", "10s"));
    double load = Double.parseDouble(flags.get("load", "0.7"));
    String serverHeap = flags.get("server-heap", "256m");
    String fixedRate = flags.get("rate", null);

    List<Child> servers = new ArrayList<>();
    try {
      for (int i = 0; i < serverCount; i++) {
        servers.add(Child.start("s" + (i + 1), "0", serverHeap));
      }
      List<KVPair> nodes = new ArrayList<>();
      for (Child c : servers) {
        nodes.add(new KVPair("tcp@" + c.address, ""));
      }
      try (MultipleServersDiscovery discovery = new MultipleServersDiscovery(nodes);
          XClient x =
              XClient.create(
                  "Arith",
                  FailMode.FAILOVER,
                  SelectMode.ROUND_ROBIN,
                  discovery,
                  ClientOptions.DEFAULT)) {
        run(
            x,
            servers,
            duration,
            killEvery,
            down,
            reportEvery,
            concurrency,
            warmup,
            calibrate,
            load,
            fixedRate,
            serverHeap);
      }
    } finally {
      for (Child c : servers) {
        c.close();
      }
    }
  }

  private static void run(
      XClient x,
      List<Child> servers,
      Duration duration,
      Duration killEvery,
      Duration down,
      Duration reportEvery,
      int concurrency,
      Duration warmup,
      Duration calibrate,
      double load,
      String fixedRate,
      String serverHeap)
      throws Exception {
    Stats stats = new Stats();
    double rate;
    if (fixedRate != null) {
      rate = Double.parseDouble(fixedRate);
      System.out.printf("rate %.0f calls/s (--rate)%n", rate);
    } else {
      double peak = measurePeak(x, concurrency, warmup, calibrate);
      rate = peak * load;
      System.out.printf(
          "peak %.0f calls/s (%d callers, %s after a %s warm-up, no faults);"
              + " soak at %.0f %% of it: %.0f calls/s%n",
          peak, concurrency, calibrate, warmup, load * 100, rate);
    }
    System.out.printf(
        "%d servers %s, SIGKILL one every %s and restart it %s later, report every"
            + " %s, for %s%n",
        servers.size(),
        servers.stream().map(c -> c.name + "=" + c.address).toList(),
        killEvery,
        down,
        reportEvery,
        duration);

    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> callers = new ArrayList<>();
    long intervalNanos = (long) (concurrency * 1e9 / rate);
    long start = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> pacedCalls(x, thread, concurrency, intervalNanos, start, running, stats),
              "soak-caller-" + t);
      th.setDaemon(true);
      callers.add(th);
      th.start();
    }

    List<String> events = new ArrayList<>();
    List<String> heapRows = new ArrayList<>();
    long end = start + duration.toNanos();
    long nextKill = start + killEvery.toNanos();
    long nextReport = start + reportEvery.toNanos();
    int victim = 0;
    Child killed = null;
    long restartAt = Long.MAX_VALUE;
    int kills = 0;
    System.out.println(
        "  time    calls  failed  calls/s  client heap  server heaps (after full"
            + " GC)        leaks  events");
    long lastCalls = 0;
    long lastReport = start;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      long wake = Math.min(Math.min(nextKill, nextReport), Math.min(restartAt, end));
      if (wake > now) {
        LockSupport.parkNanos(wake - now);
        continue;
      }
      if (now >= nextKill && killed == null) {
        killed = servers.get(victim % servers.size());
        victim++;
        kills++;
        killed.kill();
        events.add("SIGKILL " + killed.name);
        restartAt = now + down.toNanos();
        nextKill += killEvery.toNanos();
      } else if (now >= nextKill) {
        nextKill += killEvery.toNanos(); // the last victim is still down: skip this turn
      }
      if (killed != null && now >= restartAt) {
        try {
          Child restarted = Child.start(killed.name, killed.port(), serverHeap);
          servers.set(servers.indexOf(killed), restarted);
          events.add("restarted " + killed.name);
          killed = null;
          restartAt = Long.MAX_VALUE;
        } catch (IllegalStateException e) {
          // e.g. its port was taken meanwhile; the node stays down a while longer
          events.add("restart of " + killed.name + " failed (" + e.getMessage() + ")");
          restartAt = now + down.toNanos();
        }
      }
      if (now >= nextReport) {
        long calls = stats.calls.sum();
        double seconds = (now - lastReport) / 1e9;
        String row =
            report(
                now - start,
                calls,
                stats.failed.sum(),
                (calls - lastCalls) / seconds,
                servers,
                String.join(", ", events));
        heapRows.add(row);
        events.clear();
        lastCalls = calls;
        lastReport = now;
        nextReport += reportEvery.toNanos();
      }
    }
    running.set(false);
    for (Thread t : callers) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    long elapsed = System.nanoTime() - start;
    if (killed != null) {
      servers.set(servers.indexOf(killed), Child.start(killed.name, killed.port(), serverHeap));
      events.add("restarted " + killed.name);
    }
    long calls = stats.calls.sum();
    report(
        elapsed,
        calls,
        stats.failed.sum(),
        (calls - lastCalls) / ((System.nanoTime() - lastReport) / 1e9),
        servers,
        String.join(", ", events));

    long serverLeaks = servers.stream().mapToLong(c -> c.leaks.get()).sum() + Child.deadLeaks.get();
    long stuck = callers.stream().filter(Thread::isAlive).count();
    System.out.printf(
        "%nsoak: %s, %d calls (%.0f calls/s), %d failed, %d wrong answers,"
            + " %d callers stuck, %d SIGKILLs, leaks reported: client %d, servers %d%n",
        Duration.ofNanos(elapsed).withNanos(0),
        calls,
        calls / (elapsed / 1e9),
        stats.failed.sum(),
        stats.wrong.sum(),
        stuck,
        kills,
        clientLeaks.sum(),
        serverLeaks);
    stats.errorKinds.forEach((kind, n) -> System.out.printf("  failed: %d x %s%n", n.get(), kind));
    boolean pass =
        stats.failed.sum() == 0
            && stats.wrong.sum() == 0
            && stuck == 0
            && clientLeaks.sum() == 0
            && serverLeaks == 0;
    System.out.println("RESULT: " + (pass ? "PASS" : "FAIL"));
    if (!pass) {
      System.exit(1);
    }
  }

  private static String report(
      long elapsedNanos, long calls, long failed, double rate, List<Child> servers, String events) {
    List<String> heaps = new ArrayList<>();
    for (Child c : servers) {
      long heap = c.heapAfterFullGc();
      heaps.add(c.name + " " + (heap < 0 ? "  down" : mib(heap)));
    }
    long leaks =
        clientLeaks.sum()
            + servers.stream().mapToLong(c -> c.leaks.get()).sum()
            + Child.deadLeaks.get();
    String row =
        String.format(
            "%5ds %8d %7d %8.0f %12s  %-34s %5d  %s",
            elapsedNanos / 1_000_000_000L,
            calls,
            failed,
            rate,
            mib(heapAfterFullGc()),
            String.join("  ", heaps),
            leaks,
            events);
    System.out.println(row);
    return row;
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /** Closed loop, as fast as it goes, to find the peak rate without faults. */
  private static double measurePeak(XClient x, int concurrency, Duration warmup, Duration time)
      throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    Stats stats = new Stats();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; running.get(); i++) {
                  call(x, thread, i, stats);
                }
              },
              "soak-peak-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    Thread.sleep(warmup.toMillis()); // the JIT compiles in four JVMs: not measured
    long from = stats.calls.sum();
    long start = System.nanoTime();
    Thread.sleep(time.toMillis());
    long calls = stats.calls.sum() - from;
    double seconds = (System.nanoTime() - start) / 1e9;
    running.set(false);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    return calls / seconds;
  }

  /** One caller of the soak: a call every {@code intervalNanos}, never catching up in a burst. */
  private static void pacedCalls(
      XClient x,
      int thread,
      int threads,
      long intervalNanos,
      long start,
      AtomicBoolean running,
      Stats stats) {
    long next = start + intervalNanos * thread / threads; // spread over the interval
    for (int i = 0; running.get(); i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else if (-wait > intervalNanos) {
        next = System.nanoTime(); // behind: skip the missed slots instead of bursting
      }
      next += intervalNanos;
      call(x, thread, i, stats);
    }
  }

  private static void call(XClient x, int thread, int i, Stats stats) {
    Args args = new Args(thread + 1, i % 100_000);
    try {
      Reply r =
          x.call(Context.background().withTimeout(Duration.ofSeconds(5)), "Mul", args, Reply.class);
      if (r.C != args.A * args.B) {
        stats.wrong.increment();
      }
    } catch (RuntimeException e) {
      stats.failed.increment();
      stats
          .errorKinds
          .computeIfAbsent(
              e.getClass().getSimpleName() + ": " + e.getMessage(), k -> new AtomicLong())
          .incrementAndGet();
    }
    stats.calls.increment();
  }

  /** Passes everything on to {@code out}, counting the lines with Netty's "LEAK:" mark. */
  private static final class LeakCountingStream extends PrintStream {
    private final StringBuilder line = new StringBuilder();

    LeakCountingStream(PrintStream out) {
      super(out, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
      super.write(b);
      see(b);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) {
      super.write(buf, off, len);
      for (int i = off; i < off + len; i++) {
        see(buf[i]);
      }
    }

    private void see(int b) {
      if (b == '\n') {
        if (line.indexOf("LEAK:") >= 0) {
          clientLeaks.increment();
        }
        line.setLength(0);
      } else if (line.length() < 200) {
        line.append((char) (b & 0xff));
      }
    }
  }

  /** Used heap after a full GC, in bytes. */
  static long heapAfterFullGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static Duration duration(String text) {
    return Duration.parse("PT" + text.toUpperCase());
  }

  private static final class Stats {
    final LongAdder calls = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder wrong = new LongAdder();
    final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
  }

  /** A {@link SoakServer} JVM. */
  private static final class Child implements AutoCloseable {
    /** Leaks reported by servers that were killed since. */
    static final AtomicLong deadLeaks = new AtomicLong();

    final String name;
    final String address;
    final Process process;
    final AtomicLong leaks = new AtomicLong();
    private final Writer control;
    private final BlockingQueue<String> heaps = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private Child(String name, Process process) throws Exception {
      this.name = name;
      this.process = process;
      this.control = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader = new Thread(this::readOutput, "soak-server-output-" + name);
      reader.setDaemon(true);
      reader.start();
      String line;
      try {
        line = ready.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        process.destroyForcibly();
        throw new IllegalStateException("server " + name + " did not start", e);
      }
      this.address = line.split(" ")[1];
    }

    static Child start(String name, String port, String heap) throws Exception {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx" + heap,
              "-Dio.netty.leakDetection.level=paranoid",
              "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
              "-cp",
              System.getProperty("java.class.path"),
              SoakServer.class.getName(),
              port);
      return new Child(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    String port() {
      return address.substring(address.lastIndexOf(':') + 1);
    }

    private void readOutput() {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("READY ")) {
            ready.complete(line);
          } else if (line.startsWith("HEAP ")) {
            heaps.add(line.substring(5));
          } else {
            if (line.contains("LEAK:")) {
              leaks.incrementAndGet();
            }
            System.out.println("  [" + name + "] " + line);
          }
        }
      } catch (IOException e) {
        // killed
      }
      ready.completeExceptionally(new IOException("server " + name + " exited"));
    }

    /** Used heap after a full GC in the server, or -1 when it does not answer. */
    long heapAfterFullGc() {
      if (!process.isAlive()) {
        return -1;
      }
      try {
        control.write("gc\n");
        control.flush();
        String heap = heaps.poll(30, TimeUnit.SECONDS);
        return heap == null ? -1 : Long.parseLong(heap);
      } catch (IOException | InterruptedException e) {
        return -1;
      }
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      deadLeaks.addAndGet(leaks.get());
      leaks.set(0);
    }

    /** Asks the server to stop, and kills it after 10 s; interrupted, it kills it at once. */
    @Override
    public void close() {
      if (process.isAlive()) {
        try {
          control.close(); // the server closes on end of input
        } catch (IOException ignored) {
          // already gone
        }
        try {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
