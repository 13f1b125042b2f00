package io.jrpcx.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code jrpcx} in this JVM, as the launcher would, capturing what it prints. */
final class Cli {
  private Cli() {}

  /** The exit status and the output of one run. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Jrpcx.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
