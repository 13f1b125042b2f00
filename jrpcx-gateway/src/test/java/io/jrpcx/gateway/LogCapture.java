package io.jrpcx.gateway;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Captures what the loggers print while installed: slf4j-simple writes each record to the
 * {@code System.err} of the moment, so a tee there sees every line (and still prints it).
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private LogCapture() {
    System.setErr(
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                synchronized (captured) {
                  captured.write(b);
                }
                original.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                  captured.write(b, off, len);
                }
                original.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8));
  }

  static LogCapture start() {
    return new LogCapture();
  }

  /** The lines printed so far. */
  List<String> lines() {
    String text;
    synchronized (captured) {
      text = captured.toString(StandardCharsets.UTF_8);
    }
    return Arrays.asList(text.split("\\R"));
  }

  /** WARN and ERROR records and stack trace lines printed so far. */
  List<String> warningsAndStackTraces() {
    return lines().stream()
        .filter(
            l ->
                l.contains(" WARN ")
                    || l.contains(" ERROR ")
                    || l.startsWith("\tat ")
                    || l.startsWith("Caused by"))
        .collect(Collectors.toList());
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
