package io.jrpcx.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The runner's command-line options; see {@link #USAGE}. */
final class Options {
  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar jrpcx-benchmark.jar [all] [options]",
          "       java -jar jrpcx-benchmark.jar jmh [JMH options]   (e.g. -prof gc FrameCodec)",
          "",
          "Runs every selected peer through every selected scenario, server in its own JVM,",
          "prints a table and writes the results as JSON.",
          "",
          "  --peers LIST          " + Peer.ids() + " (default: all)",
          "  --scenarios LIST      all | message | payload | idle | c1,c100,c1000,c1000x4,",
          "                        payload-100B,payload-1KB,payload-16KB,payload-1MB,",
          "                        idle-1k,idle-10k | c<N> | c<N>x<K> | payload-<bytes> | idle-<N>",
          "                        (default: all)",
          "  --warmup D            warm-up per run, e.g. 10s, 500ms (default 10s: gRPC's and",
          "                        Dubbo's servers need about that to be compiled on 2 cores)",
          "  --duration D          measured window per run (default 10s)",
          "  --connections K       connections for every load scenario (default: the scenario's own,",
          "                        1, or K for c<N>x<K>)",
          "  --rate R              open loop: R calls/s per run, latency from the intended send",
          "                        time (default: closed loop)",
          "  --payload-concurrency C   calls in flight in the payload sweep (default 16)",
          "  --server-jvm ARGS     server JVM options, space-separated (default \"-Xms1g -Xmx1g\")",
          "  --out FILE            JSON results (default jrpcx-benchmark/results/latest.json)",
          "  --smoke               a run of under a minute: c100 and idle-1k, 1s warm-up, 2s window",
          "  --verbose             show the servers' output",
          "  --help");

  List<Peer> peers = Peer.all();
  List<String> scenarios = List.of("all");
  Duration warmup = Duration.ofSeconds(10);
  Duration duration = Duration.ofSeconds(10);

  /** Connections of every load scenario; 0 (the default) keeps each scenario's own (1, or K). */
  int connections;

  double rate;
  int payloadConcurrency = Scenario.PAYLOAD_CONCURRENCY;
  List<String> serverJvmArgs = List.of("-Xms1g", "-Xmx1g");
  Path out = defaultOut();
  boolean verbose;
  boolean help;

  static Options parse(String... args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "all":
        case "run":
          break;
        case "--help":
        case "-h":
          o.help = true;
          break;
        case "--verbose":
          o.verbose = true;
          break;
        case "--smoke":
          o.scenarios = List.of("c100", "idle-1k");
          o.warmup = Duration.ofSeconds(1);
          o.duration = Duration.ofSeconds(2);
          break;
        default:
          if (value == null) {
            if (i + 1 >= args.length || !a.startsWith("--")) {
              throw new IllegalArgumentException("unknown argument '" + a + "'\n\n" + USAGE);
            }
            value = args[++i];
          }
          o.set(a, value);
      }
    }
    return o;
  }

  private void set(String name, String value) {
    switch (name) {
      case "--peers":
        List<Peer> list = new ArrayList<>();
        for (String id : value.split(",")) {
          if (!id.isBlank()) {
            list.add(Peer.of(id));
          }
        }
        peers = List.copyOf(list);
        break;
      case "--scenarios":
        scenarios = Arrays.asList(value.split(","));
        break;
      case "--warmup":
        warmup = duration(value);
        break;
      case "--duration":
        duration = duration(value);
        if (duration.isZero()) {
          throw new IllegalArgumentException("--duration must be positive");
        }
        break;
      case "--connections":
        connections = positive(name, value);
        break;
      case "--rate":
        rate = Double.parseDouble(value);
        if (rate < 0) {
          throw new IllegalArgumentException("--rate must not be negative");
        }
        break;
      case "--payload-concurrency":
        payloadConcurrency = positive(name, value);
        break;
      case "--server-jvm":
        serverJvmArgs = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
        break;
      case "--out":
        out = Path.of(value);
        break;
      default:
        throw new IllegalArgumentException("unknown option '" + name + "'\n\n" + USAGE);
    }
  }

  List<Scenario> selectedScenarios() {
    List<Scenario> out = new ArrayList<>();
    for (Scenario s : Scenario.select(scenarios, payloadConcurrency)) {
      out.add(connections > 0 ? s.withConnections(connections) : s);
    }
    return out;
  }

  /** "10s", "500ms", "2m", or an ISO-8601 duration. */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      }
      return Duration.parse(text.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (try 10s or 500ms)");
    }
  }

  private static int positive(String name, String value) {
    int n = Integer.parseInt(value);
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return n;
  }

  /**
   * jrpcx-benchmark/results/latest.json from the repository root, results/latest.json from the
   * module's directory.
   */
  private static Path defaultOut() {
    if (Files.isDirectory(Path.of("jrpcx-benchmark"))) {
      return Path.of("jrpcx-benchmark", "results", "latest.json");
    }
    return Path.of("results", "latest.json");
  }
}
