package dev.vigil.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in Vigil specs: Go's units (ms, s, m, h) plus d and w, which platform
 * engineers write for image ages and intervals ("90d", "6h", "1h30m").
 */
public final class DurationText {

  private static final Pattern WHOLE = Pattern.compile("^([0-9]+(ms|s|m|h|d|w))+$");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w)");

  private DurationText() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException naming the text when it is not a positive duration
   */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration like 90d, 6h or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    try {
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        Duration part =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              case "d" -> Duration.ofDays(n);
              case "w" -> Duration.ofDays(Math.multiplyExact(n, 7L));
              default -> throw new IllegalStateException(m.group(2));
            };
        total = total.plus(part);
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than zero");
    }
    if (total.compareTo(Duration.ofDays(3660)) > 0) {
      throw new IllegalArgumentException("'" + text + "' is longer than ten years");
    }
    return total;
  }

  /** Formats a duration compactly, largest units first (e.g. 1h30m). */
  public static String format(Duration d) {
    StringBuilder out = new StringBuilder();
    long days = d.toDays();
    if (days > 0) out.append(days).append('d');
    if (d.toHoursPart() > 0) out.append(d.toHoursPart()).append('h');
    if (d.toMinutesPart() > 0) out.append(d.toMinutesPart()).append('m');
    if (d.toSecondsPart() > 0) out.append(d.toSecondsPart()).append('s');
    if (d.toMillisPart() > 0) out.append(d.toMillisPart()).append("ms");
    return out.length() == 0 ? "0s" : out.toString();
  }
}
