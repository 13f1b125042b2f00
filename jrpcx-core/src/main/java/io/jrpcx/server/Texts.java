package io.jrpcx.server;

/** Bounds what a peer sent before it goes into an error text or a log line. */
final class Texts {
  /** Longest piece of peer input repeated in an error text or log line. */
  static final int MAX_ECHO = 256;

  private Texts() {}

  /** {@code s}, or its first {@link #MAX_ECHO} chars and a note of its length. */
  static String clip(String s) {
    if (s == null || s.length() <= MAX_ECHO) {
      return s;
    }
    return s.substring(0, MAX_ECHO) + "...(" + s.length() + " chars)";
  }
}
