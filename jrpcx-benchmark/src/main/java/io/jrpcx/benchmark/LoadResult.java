package io.jrpcx.benchmark;

import org.HdrHistogram.Histogram;

/**
 * What one measured run produced. Latencies are in nanoseconds.
 *
 * @param calls calls completed successfully inside the measured window
 * @param errors calls failed inside the measured window
 * @param seconds length of the measured window
 * @param latency latency of the successful calls; in open-loop mode from the intended send time
 * @param corrected closed loop only: {@code latency} corrected for coordinated omission
 *     ({@link Histogram#copyCorrectedForCoordinatedOmission}) with the warm-up's mean latency as
 *     the expected interval (what each caller would have waited between sends); null in
 *     open-loop mode, whose {@code latency} is already free of coordinated omission
 * @param openLoop whether calls were sent at a fixed target rate
 * @param firstError the first failure seen, or null
 */
record LoadResult(
    long calls,
    long errors,
    double seconds,
    Histogram latency,
    Histogram corrected,
    boolean openLoop,
    String firstError) {

  double throughput() {
    return seconds <= 0 ? 0 : calls / seconds;
  }

  String mode() {
    return openLoop ? "open-loop" : "closed-loop";
  }
}
