package io.jrpcx.testing;

/**
 * The one line each fault test prints for the reliability table, in one shape so that a build
 * log can be grepped for it ({@code grep '^\[fault\]'}):
 *
 * <pre>
 * [fault] kill -9 of 1 of 3 server JVMs mid-load (Failover) | attempted 12034 | failed 0 | lost 0
 * </pre>
 *
 * <p>"failed" counts calls that ended with an error, "lost" calls that never ended at all.
 */
public final class FaultReport {
  private FaultReport() {}

  public static void print(String fault, long attempted, long failed, long lost) {
    System.out.printf(
        "[fault] %s | attempted %d | failed %d | lost %d%n", fault, attempted, failed, lost);
  }
}
