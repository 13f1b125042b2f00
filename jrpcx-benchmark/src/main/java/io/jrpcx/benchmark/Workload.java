package io.jrpcx.benchmark;

/**
 * What a call carries: the benchmark message ({@link GoogleMessage1} / {@code BenchmarkMessage}),
 * or {@code size} opaque bytes that the server echoes.
 */
public record Workload(Kind kind, int size) {

  /** The two kinds of call. */
  public enum Kind {
    MESSAGE,
    BYTES
  }

  public Workload {
    if (size < 0) {
      throw new IllegalArgumentException("size < 0: " + size);
    }
  }

  /** The benchmark message; the server sets two fields and returns it. */
  public static Workload message() {
    return new Workload(Kind.MESSAGE, 0);
  }

  /** {@code size} bytes, echoed. */
  public static Workload bytes(int size) {
    return new Workload(Kind.BYTES, size);
  }

  public boolean isMessage() {
    return kind == Kind.MESSAGE;
  }

  @Override
  public String toString() {
    return isMessage() ? "message" : size + " B";
  }
}
