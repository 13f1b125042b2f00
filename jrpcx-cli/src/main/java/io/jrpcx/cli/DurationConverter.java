package io.jrpcx.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as Go's {@code time.ParseDuration} writes them: {@code 500ms}, {@code 10s},
 * {@code 1.5s}, {@code 2m}, {@code 1h30m}; units ns, us, ms, s, m, h.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String s = value.trim();
    Matcher m = PART.matcher(s);
    long nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      nanos +=
          (long)
              (n
                  * switch (m.group(2)) {
                    case "ns" -> 1L;
                    case "us", "µs" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                  });
      end = m.end();
    }
    if (end == 0 || end != s.length()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration; write it as 500ms, 10s, 2m or 1h30m");
    }
    return Duration.ofNanos(nanos);
  }

  /** {@code d}, which {@code option} set; zero or less is a usage error. */
  static Duration requirePositive(Duration d, String option) {
    if (d.isZero() || d.isNegative()) {
      throw new CliException(ExitCodes.USAGE, option + " must be positive, was " + format(d));
    }
    return d;
  }

  /** {@code d} the way it was probably written: 10s, 500ms, 2m30s. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0 || ms == 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
