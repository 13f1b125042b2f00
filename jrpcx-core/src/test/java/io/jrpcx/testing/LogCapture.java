package io.jrpcx.testing;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines slf4j-simple (the tests' logger, which writes to {@code System.err}) prints while a
 * piece of code runs on the calling thread; they are printed too.
 */
public final class LogCapture extends PrintStream {
  private final List<String> lines = new ArrayList<>();

  private LogCapture(PrintStream original) {
    super(original, true);
  }

  /** Runs {@code body} and returns the lines logged meanwhile. */
  public static List<String> during(ThrowingRunnable body) throws Exception {
    PrintStream original = System.err;
    LogCapture capture = new LogCapture(original);
    System.setErr(capture);
    try {
      body.run();
    } finally {
      System.setErr(original);
    }
    synchronized (capture) {
      return List.copyOf(capture.lines);
    }
  }

  @Override
  public void println(String line) {
    synchronized (this) {
      lines.add(line);
    }
    super.println(line);
  }

  /** A body that may throw. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
