package dev.vigil.vulndb.severity;

import dev.vigil.api.Severity;
import java.util.Comparator;

/**
 * The severity Vigil reports for an advisory.
 *
 * @param severity the rating
 * @param score CVSS base score when the rating came from a vector, else null
 * @param basis where it came from: "CVSS:4.0", "CVSS:3.1", "CVSS:2.0", "vendor" or "none"
 */
public record SeverityRating(Severity severity, Double score, String basis) {

  public static final SeverityRating UNKNOWN = new SeverityRating(Severity.Unknown, null, "none");

  /** Orders by severity, then by score (absent scores lowest); the greatest is the worst. */
  public static final Comparator<SeverityRating> WORST_LAST =
      Comparator.comparing((SeverityRating r) -> -r.severity().ordinal())
          .thenComparing(r -> r.score() == null ? -1.0 : r.score());

  /** The worse of two ratings. */
  public static SeverityRating worse(SeverityRating a, SeverityRating b) {
    return WORST_LAST.compare(a, b) >= 0 ? a : b;
  }
}
