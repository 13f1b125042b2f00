package io.jrpcx.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** Prints latencies recorded in microseconds: percentiles, then a histogram in powers of two. */
final class LatencyReport {
  private static final int BAR = 40;

  private LatencyReport() {}

  static void print(PrintWriter out, Histogram us) {
    if (us.getTotalCount() == 0) {
      out.println("latency     (no successful calls)");
      return;
    }
    out.printf(
        "latency     mean %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
        ms(Math.round(us.getMean())),
        ms(us.getValueAtPercentile(50)),
        ms(us.getValueAtPercentile(90)),
        ms(us.getValueAtPercentile(99)),
        ms(us.getValueAtPercentile(99.9)),
        ms(us.getMaxValue()));
    // Buckets [2^k, 2^(k+1)) µs, from the fastest call's to the slowest's.
    TreeMap<Long, Long> buckets = new TreeMap<>();
    for (HistogramIterationValue v : us.recordedValues()) {
      long value = us.highestEquivalentValue(v.getValueIteratedTo());
      buckets.merge(
          Long.highestOneBit(Math.max(1, value)), v.getCountAtValueIteratedTo(), Long::sum);
    }
    long first = buckets.firstKey();
    long last = buckets.lastKey();
    long peak = buckets.values().stream().mapToLong(Long::longValue).max().orElse(1);
    out.println("histogram   (successful calls)");
    for (long lo = first; lo <= last && lo > 0; lo <<= 1) {
      long n = buckets.getOrDefault(lo, 0L);
      int width = (int) Math.round((double) n * BAR / peak);
      out.printf(
          "  %9s - %-9s |%-" + BAR + "s| %6.2f%%%n",
          ms(lo),
          ms(lo * 2),
          "#".repeat(width),
          100.0 * n / us.getTotalCount());
    }
  }

  /** Microseconds as milliseconds with sensible digits. */
  static String ms(long us) {
    if (us < 10_000) {
      return String.format(Locale.ROOT, "%.3fms", us / 1000.0);
    }
    if (us < 1_000_000) {
      return String.format(Locale.ROOT, "%.1fms", us / 1000.0);
    }
    return String.format(Locale.ROOT, "%.2fs", us / 1e6);
  }
}
