package dev.vigil.cli;

import dev.vigil.policy.DurationText;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Accepts spec-style durations (90s, 5m, 1h30m) and ISO-8601 (PT1M) on the command line. */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    if (value.startsWith("P") || value.startsWith("p")) {
      return Duration.parse(value);
    }
    return DurationText.parse(value);
  }
}
