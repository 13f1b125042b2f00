package io.jrpcx.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table (Markdown, to paste into BENCHMARKS.md), the one-line summaries and the JSON. */
final class Report {
  private static final List<Peer> REFERENCES =
      List.of(Peer.JRPCX_MSGPACK, Peer.JRPCX_RAW, Peer.JRPCX_JSON);

  private Report() {}

  /**
   * Fills each row's ratios against the scenario's jrpcx row: jrpcx-msgpack (rpcx's default
   * codec) where it ran, else jrpcx-raw (the payload sweep), else jrpcx-json.
   */
  static void computeRatios(List<Row> rows) {
    for (Row row : rows) {
      Row ref = reference(rows, row.scenario);
      if (ref == null) {
        continue;
      }
      if (row.scenario.isIdle()) {
        row.jrpcxRatio = ratio(ref.heapPerConnectionBytes, row.heapPerConnectionBytes);
      } else {
        row.jrpcxRatio = row.calls == 0 ? Double.NaN : ratio(ref.throughput, row.throughput);
        row.jrpcxP99Ratio = row.calls == 0 ? Double.NaN : ratio(ref.p99Us, row.p99Us);
      }
    }
  }

  private static Row reference(List<Row> rows, Scenario s) {
    for (Peer p : REFERENCES) {
      for (Row r : rows) {
        if (r.scenario.equals(s) && r.peer == p && !r.failed()) {
          return r;
        }
      }
    }
    return null;
  }

  private static double ratio(double jrpcx, double peer) {
    return peer > 0 && jrpcx >= 0 ? jrpcx / peer : Double.NaN;
  }

  /** A line for the progress log once a run is done. */
  static String summary(Row row) {
    if (row.failed()) {
      return "FAILED: " + row.error;
    }
    String s;
    if (row.scenario.isIdle()) {
      s =
          String.format(
              Locale.ROOT,
              "%s heap per connection, server RSS %s MB",
              bytes(row.heapPerConnectionBytes),
              fmt(row.serverRssMb, 0));
    } else {
      s =
          String.format(
              Locale.ROOT,
              "%,.0f calls/s, p50 %s us, p99 %s us, server CPU %s%%",
              row.throughput,
              us(row.p50Us),
              us(row.p99Us),
              fmt(row.serverCpuPercent, 0));
    }
    return row.error == null ? s : s + " (" + row.error + ")";
  }

  /** Both tables, with the settings and the machine above them. */
  static String table(List<Row> rows, Options options, double totalSeconds) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Machine: %s%n", Machine.describe()));
    b.append(
        String.format(
            Locale.ROOT,
            "Settings: %s, warm-up %s, window %s per run; server JVM: %s; total %.0f s%n%n",
            options.rate > 0
                ? String.format(Locale.ROOT, "open loop at %,.0f calls/s", options.rate)
                : "closed loop",
            human(options.warmup),
            human(options.duration),
            options.serverJvmArgs.isEmpty()
                ? "(defaults)"
                : String.join(" ", options.serverJvmArgs),
            totalSeconds));
    List<Row> load = new ArrayList<>();
    List<Row> idle = new ArrayList<>();
    for (Row r : rows) {
      (r.scenario.isIdle() ? idle : load).add(r);
    }
    if (!load.isEmpty()) {
      b.append(
          "| scenario | peer | calls/s | jrpcx÷peer | mean us | p50 us | p99 us | p99.9 us"
              + " | p99 jrpcx÷peer | p99.9 CO-corr. us | server CPU % | client CPU % | server RSS MB"
              + " | payload MB/s | errors |\n");
      b.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
      for (Row r : load) {
        if (r.failed()) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | failed: %s |%s%n",
                  label(r.scenario),
                  r.peer.id(),
                  r.error.replace('|', '/').replace('\n', ' '),
                  " |".repeat(12)));
          continue;
        }
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n",
                label(r.scenario),
                r.peer.id(),
                r.throughput,
                fmt(r.jrpcxRatio, 2),
                us(r.meanUs),
                us(r.p50Us),
                us(r.p99Us),
                us(r.p999Us),
                fmt(r.jrpcxP99Ratio, 2),
                us(r.p999CorrectedUs),
                fmt(r.serverCpuPercent, 0),
                fmt(r.clientCpuPercent, 0),
                fmt(r.serverRssMb, 0),
                fmt(r.payloadMbPerSecond, 1),
                r.errors));
      }
      b.append(
          "\njrpcx÷peer: jrpcx's throughput (or p99) divided by the peer's; jrpcx is"
              + " jrpcx-msgpack for the message, jrpcx-raw for the payload sweep. CPU % is of one"
              + " core (200 = both cores of a 2-core machine).");
      if (options.rate <= 0) {
        b.append(
            " Closed loop: latency is per call as sent; the CO-corrected column fills in"
                + " the calls a stalled caller did not send (expected interval = warm-up mean).");
      }
      b.append("\n\n");
    }
    if (!idle.isEmpty()) {
      b.append(
          "| scenario | peer | connections | server heap per connection"
              + " | jrpcx÷peer | server RSS per connection | server RSS MB | errors |\n");
      b.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
      for (Row r : idle) {
        if (r.failed()) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | failed: %s |%s%n",
                  r.scenario.name(),
                  r.peer.id(),
                  r.error.replace('|', '/').replace('\n', ' '),
                  " |".repeat(5)));
          continue;
        }
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %,d | %s | %s | %s | %s | %d |%n",
                r.scenario.name(),
                r.peer.id(),
                r.scenario.idleConnections(),
                bytes(r.heapPerConnectionBytes),
                fmt(r.jrpcxRatio, 2),
                bytes(r.rssPerConnectionBytes),
                fmt(r.serverRssMb, 0),
                r.errors));
      }
      b.append(
          "\nHeap per connection: the server's used heap after a full GC with the"
              + " connections open (one call made on each), minus the same before they were"
              + " opened, divided by their number.\n\n");
    }
    List<String> notes = new ArrayList<>();
    for (Row r : rows) {
      if (r.error != null && !r.failed()) {
        notes.add("- " + r.scenario.name() + " " + r.peer.id() + ": " + r.error);
      }
    }
    if (!notes.isEmpty()) {
      b.append("Notes:\n").append(String.join("\n", notes)).append("\n\n");
    }
    return b.toString();
  }

  /** Writes one JSON object per scenario and peer, as an array. */
  static void writeJson(List<Row> rows, Path file) throws IOException {
    List<Map<String, Object>> json = new ArrayList<>();
    for (Row r : rows) {
      json.add(r.toJson());
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
  }

  private static String label(Scenario s) {
    String name = s.name();
    return s.connections() > 1 && !name.endsWith("x" + s.connections())
        ? name + " k=" + s.connections()
        : name;
  }

  static String us(double micros) {
    if (Double.isNaN(micros)) {
      return "-";
    }
    return micros < 100
        ? String.format(Locale.ROOT, "%.1f", micros)
        : String.format(Locale.ROOT, "%,.0f", micros);
  }

  static String fmt(double v, int decimals) {
    return Double.isNaN(v) || Double.isInfinite(v)
        ? "-"
        : String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "-";
    }
    return Math.abs(b) >= 1024
        ? String.format(Locale.ROOT, "%.1f KB", b / 1024)
        : String.format(Locale.ROOT, "%.0f B", b);
  }

  private static String human(java.time.Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
