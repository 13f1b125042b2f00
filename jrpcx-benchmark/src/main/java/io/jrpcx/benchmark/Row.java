package io.jrpcx.benchmark;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scenario run by one peer. Load rows fill the throughput and latency fields, idle rows the
 * per-connection ones; what does not apply is NaN (null in the JSON).
 */
final class Row {
  final Scenario scenario;
  final Peer peer;
  String mode = "";
  long calls;
  long errors;
  double seconds = Double.NaN;
  double throughput = Double.NaN;
  double meanUs = Double.NaN;
  double p50Us = Double.NaN;
  double p99Us = Double.NaN;
  double p999Us = Double.NaN;
  double maxUs = Double.NaN;
  double p99CorrectedUs = Double.NaN;
  double p999CorrectedUs = Double.NaN;
  double serverCpuPercent = Double.NaN;
  double clientCpuPercent = Double.NaN;
  double serverRssMb = Double.NaN;
  double payloadMbPerSecond = Double.NaN;
  double heapPerConnectionBytes = Double.NaN;
  double rssPerConnectionBytes = Double.NaN;

  /** jrpcx's value divided by this peer's: throughput (load) or heap per connection (idle). */
  double jrpcxRatio = Double.NaN;

  /** jrpcx's p99 divided by this peer's. */
  double jrpcxP99Ratio = Double.NaN;

  String error;

  Row(Scenario scenario, Peer peer) {
    this.scenario = scenario;
    this.peer = peer;
  }

  boolean failed() {
    return error != null && calls == 0 && Double.isNaN(heapPerConnectionBytes);
  }

  /** The JSON object: the keys the issue asks for first, then the rest. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario.name());
    m.put("peer", peer.id());
    m.put("throughput", num(throughput));
    m.put("p50_us", num(p50Us));
    m.put("p99_us", num(p99Us));
    m.put("p999_us", num(p999Us));
    m.put("server_rss_mb", num(serverRssMb));
    m.put("kind", scenario.isIdle() ? "idle" : "load");
    m.put("workload", scenario.workload().toString());
    m.put("concurrency", scenario.isIdle() ? null : scenario.concurrency());
    m.put("connections", scenario.isIdle() ? scenario.idleConnections() : scenario.connections());
    m.put("mode", mode);
    m.put("seconds", num(seconds));
    m.put("calls", scenario.isIdle() ? null : calls);
    m.put("errors", errors);
    m.put("mean_us", num(meanUs));
    m.put("max_us", num(maxUs));
    m.put("p99_co_corrected_us", num(p99CorrectedUs));
    m.put("p999_co_corrected_us", num(p999CorrectedUs));
    m.put("server_cpu_pct", num(serverCpuPercent));
    m.put("client_cpu_pct", num(clientCpuPercent));
    m.put("payload_mb_per_s", num(payloadMbPerSecond));
    m.put("heap_per_connection_bytes", num(heapPerConnectionBytes));
    m.put("rss_per_connection_bytes", num(rssPerConnectionBytes));
    m.put(
        scenario.isIdle() ? "heap_ratio_jrpcx_over_peer" : "throughput_ratio_jrpcx_over_peer",
        num(jrpcxRatio));
    if (!scenario.isIdle()) {
      m.put("p99_ratio_jrpcx_over_peer", num(jrpcxP99Ratio));
    }
    m.put("error", error);
    return m;
  }

  private static Object num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return null;
    }
    return Math.round(v * 100) / 100.0;
  }
}
