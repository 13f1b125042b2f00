package io.jrpcx.gateway;

/** Bounds what of a client's input goes into error texts and logs. */
final class Texts {
  /** Characters of a name, path or id quoted in an error text or a log line. */
  static final int MAX_QUOTED = 256;

  private Texts() {}

  /**
   * {@code text} when it has at most {@link #MAX_QUOTED} characters, else its start and a marker
   * with its length, {@code "...(5000 chars)"}: a client must not be able to make the server
   * repeat a megabyte of its input in every answer or log line. The marker is the server's own
   * (ASCII, so it survives in a header value as it is).
   */
  static String bounded(String text) {
    if (text == null || text.length() <= MAX_QUOTED) {
      return text;
    }
    int end = MAX_QUOTED;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a character
    }
    return text.substring(0, end) + "...(" + text.length() + " chars)";
  }

  /** {@link #bounded} of {@code String.valueOf(value)}, for log arguments. */
  static String bounded(Object value) {
    return bounded(String.valueOf(value));
  }
}
