package dev.vigil.vulndb.severity;

import dev.vigil.api.Severity;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps distributions' own severity words to {@link Severity}: Debian urgency
 * (unimportant/low/medium/high), Ubuntu priority (negligible/low/medium/high/critical), Red Hat
 * and AlmaLinux/Rocky severity (Low/Moderate/Important/Critical). Words that state no rating
 * ("not yet assigned", "untriaged", "end-of-life") give empty.
 */
public final class VendorSeverity {

  private static final Map<String, Severity> WORDS =
      Map.ofEntries(
          Map.entry("negligible", Severity.Low),
          Map.entry("unimportant", Severity.Low),
          Map.entry("low", Severity.Low),
          Map.entry("medium", Severity.Medium),
          Map.entry("moderate", Severity.Medium),
          Map.entry("high", Severity.High),
          Map.entry("important", Severity.High),
          Map.entry("critical", Severity.Critical));

  private VendorSeverity() {}

  public static Optional<Severity> fromWord(String word) {
    if (word == null) {
      return Optional.empty();
    }
    // The Debian tracker marks uncertain urgencies with trailing asterisks ("low**").
    String normalised = word.trim().toLowerCase(Locale.ROOT);
    while (normalised.endsWith("*")) {
      normalised = normalised.substring(0, normalised.length() - 1);
    }
    return Optional.ofNullable(WORDS.get(normalised));
  }
}
