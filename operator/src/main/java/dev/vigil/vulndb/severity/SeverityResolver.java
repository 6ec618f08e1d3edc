package dev.vigil.vulndb.severity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.api.Severity;
import dev.vigil.vulndb.osv.OsvAffected;
import dev.vigil.vulndb.osv.OsvRecord;
import dev.vigil.vulndb.osv.OsvSeverity;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides the severity of an advisory for one affected package. Order of preference:
 *
 * <ol>
 *   <li>CVSS v4.0 vectors (highest base score among them),
 *   <li>CVSS v3.x vectors (highest base score),
 *   <li>the distribution's own rating: severity of type "Ubuntu", Debian "urgency", Red Hat /
 *       AlmaLinux "severity" in ecosystem_specific or database_specific, or the Red Hat-style
 *       "Important: …" prefix of the summary that AlmaLinux and Rocky advisories carry (worst
 *       word wins),
 *   <li>CVSS v2.0 vectors,
 *   <li>Unknown.
 * </ol>
 *
 * Package-level severities replace record-level ones, as the schema says they are exclusive.
 */
public final class SeverityResolver {

  private static final Pattern RED_HAT_SUMMARY =
      Pattern.compile("(Critical|Important|Moderate|Low): ");

  private final CvssScorer scorer;

  public SeverityResolver(CvssScorer scorer) {
    this.scorer = scorer;
  }

  public SeverityRating resolve(OsvRecord record, OsvAffected affected) {
    List<OsvSeverity> statements =
        affected != null && !affected.severity().isEmpty()
            ? affected.severity()
            : record.severity();
    Optional<SeverityRating> v4 = bestCvss(statements, "CVSS_V4");
    if (v4.isPresent()) {
      return v4.get();
    }
    Optional<SeverityRating> v3 = bestCvss(statements, "CVSS_V3");
    if (v3.isPresent()) {
      return v3.get();
    }
    Optional<Severity> vendor = vendorRating(statements, record, affected);
    if (vendor.isPresent()) {
      return new SeverityRating(vendor.get(), null, "vendor");
    }
    return bestCvss(statements, "CVSS_V2").orElse(SeverityRating.UNKNOWN);
  }

  private Optional<SeverityRating> bestCvss(List<OsvSeverity> statements, String type) {
    SeverityRating best = null;
    for (OsvSeverity statement : statements) {
      if (!type.equals(statement.type())) {
        continue;
      }
      Optional<CvssScore> score = scorer.score(statement.score());
      if (score.isEmpty() || !matchesType(type, score.get().version())) {
        continue;
      }
      SeverityRating rating =
          new SeverityRating(
              score.get().severity(), score.get().baseScore(), "CVSS:" + score.get().version());
      best = best == null ? rating : SeverityRating.worse(best, rating);
    }
    return Optional.ofNullable(best);
  }

  private static boolean matchesType(String type, String version) {
    return switch (type) {
      case "CVSS_V4" -> version.startsWith("4.");
      case "CVSS_V3" -> version.startsWith("3.");
      case "CVSS_V2" -> version.startsWith("2.");
      default -> false;
    };
  }

  private static Optional<Severity> vendorRating(
      List<OsvSeverity> statements, OsvRecord record, OsvAffected affected) {
    Severity worst = null;
    for (OsvSeverity statement : statements) {
      if ("Ubuntu".equalsIgnoreCase(statement.type())) {
        worst = worse(worst, VendorSeverity.fromWord(statement.score()).orElse(null));
      }
    }
    if (affected != null) {
      worst = worse(worst, word(affected.ecosystemSpecific(), "urgency"));
      worst = worse(worst, word(affected.databaseSpecific(), "urgency"));
      worst = worse(worst, word(affected.ecosystemSpecific(), "severity"));
      worst = worse(worst, word(affected.databaseSpecific(), "severity"));
    }
    worst = worse(worst, word(record.databaseSpecific(), "urgency"));
    worst = worse(worst, word(record.databaseSpecific(), "severity"));
    worst = worse(worst, summaryPrefix(record.summary()));
    return Optional.ofNullable(worst);
  }

  /** "Important: openssl security update" → High; only Red Hat's four words count. */
  private static Severity summaryPrefix(String summary) {
    if (summary == null) {
      return null;
    }
    Matcher matcher = RED_HAT_SUMMARY.matcher(summary);
    return matcher.lookingAt() ? VendorSeverity.fromWord(matcher.group(1)).orElse(null) : null;
  }

  private static Severity word(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      return null;
    }
    return VendorSeverity.fromWord(value.asText()).orElse(null);
  }

  private static Severity worse(Severity a, Severity b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
