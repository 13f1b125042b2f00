package io.jrpcx.cli;

/** What the exit status of {@code jrpcx} means; the help lists the same. */
final class ExitCodes {
  static final int OK = 0;

  /** The server answered with an rpcx error (unknown service or method, a failing method). */
  static final int REMOTE_ERROR = 1;

  /** Bad command line or bad JSON arguments. */
  static final int USAGE = 2;

  /** The server or registry could not be reached, or the connection was lost. */
  static final int UNREACHABLE = 3;

  /** The call did not complete within {@code --timeout}. */
  static final int TIMEOUT = 4;

  private ExitCodes() {}
}
