package dev.vigil.vulndb.severity;

import dev.vigil.api.Severity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.metaeffekt.core.security.cvss.CvssVector;

/**
 * Computes CVSS base scores from vector strings (v2.0, v3.0, v3.1, v4.0). The arithmetic is the
 * metaeffekt ae-security implementation of FIRST's algorithms; this class only checks that a
 * vector names every base metric exactly once with a defined value, because the library fills
 * missing metrics with defaults and would score a truncated vector instead of rejecting it.
 * Thread-safe; results are memoised since databases repeat the same few thousand vectors.
 */
public final class CvssScorer {

  private static final int MAX_VECTOR_LENGTH = 512;
  private static final int MAX_MEMO = 20_000;

  private static final Map<String, Set<String>> V2_BASE =
      metrics("AV", "LAN", "AC", "HML", "Au", "MSN", "C", "NPC", "I", "NPC", "A", "NPC");
  private static final Map<String, Set<String>> V3_BASE =
      metrics("AV", "NALP", "AC", "LH", "PR", "NLH", "UI", "NR", "S", "UC", "C", "HLN", "I", "HLN",
          "A", "HLN");
  private static final Map<String, Set<String>> V4_BASE =
      metrics("AV", "NALP", "AC", "LH", "AT", "NP", "PR", "NLH", "UI", "NPA", "VC", "HLN", "VI",
          "HLN", "VA", "HLN", "SC", "HLN", "SI", "HLN", "SA", "HLN");

  private final Map<String, Optional<CvssScore>> memo = new ConcurrentHashMap<>();

  /**
   * Scores a vector.
   *
   * @return empty when the vector is malformed, incomplete or of an unknown version
   */
  public Optional<CvssScore> score(String vector) {
    if (vector == null || vector.isBlank() || vector.length() > MAX_VECTOR_LENGTH) {
      return Optional.empty();
    }
    String trimmed = vector.trim();
    Optional<CvssScore> known = memo.get(trimmed);
    if (known != null) {
      return known;
    }
    Optional<CvssScore> computed = compute(trimmed);
    if (memo.size() < MAX_MEMO) {
      memo.put(trimmed, computed);
    }
    return computed;
  }

  private static Optional<CvssScore> compute(String vector) {
    String version;
    String metricsPart;
    Map<String, Set<String>> required;
    if (vector.startsWith("CVSS:4.0/")) {
      version = "4.0";
      metricsPart = vector.substring("CVSS:4.0/".length());
      required = V4_BASE;
    } else if (vector.startsWith("CVSS:3.1/") || vector.startsWith("CVSS:3.0/")) {
      version = vector.substring(5, 8);
      metricsPart = vector.substring("CVSS:3.x/".length());
      required = V3_BASE;
    } else if (vector.startsWith("CVSS:")) {
      return Optional.empty();
    } else {
      version = "2.0";
      metricsPart = vector.startsWith("(") && vector.endsWith(")")
          ? vector.substring(1, vector.length() - 1)
          : vector;
      required = V2_BASE;
    }
    if (!hasCompleteBaseMetrics(metricsPart, required)) {
      return Optional.empty();
    }
    double base;
    try {
      CvssVector parsed = CvssVector.parseVector(version.equals("2.0") ? metricsPart : vector);
      if (parsed == null) {
        return Optional.empty();
      }
      base = parsed.getBaseScore();
    } catch (RuntimeException e) {
      // The library signals unparseable input with runtime exceptions; to us it is one more
      // malformed vector.
      return Optional.empty();
    }
    if (Double.isNaN(base) || base < 0.0 || base > 10.0) {
      return Optional.empty();
    }
    double rounded = Math.round(base * 10.0) / 10.0;
    return Optional.of(new CvssScore(version, rounded, rating(version, rounded)));
  }

  /**
   * FIRST's qualitative scale for v3.x and v4.0 (0.1-3.9 Low, 4.0-6.9 Medium, 7.0-8.9 High,
   * 9.0-10.0 Critical); v2.0 has no Critical band (NVD: 7.0-10.0 High). A 0.0 ("None") score is
   * reported as Low: the record still calls it a vulnerability.
   */
  static Severity rating(String version, double score) {
    if (score >= 9.0 && !version.equals("2.0")) {
      return Severity.Critical;
    }
    if (score >= 7.0) {
      return Severity.High;
    }
    if (score >= 4.0) {
      return Severity.Medium;
    }
    return Severity.Low;
  }

  private static boolean hasCompleteBaseMetrics(String metricsPart, Map<String, Set<String>> base) {
    Map<String, String> seen = new HashMap<>();
    for (String part : metricsPart.split("/", -1)) {
      int colon = part.indexOf(':');
      if (colon <= 0 || colon == part.length() - 1) {
        return false;
      }
      String name = part.substring(0, colon);
      String value = part.substring(colon + 1);
      if (seen.put(name, value) != null) {
        return false;
      }
      Set<String> allowed = base.get(name);
      if (allowed != null && !allowed.contains(value)) {
        return false;
      }
    }
    return seen.keySet().containsAll(base.keySet());
  }

  /** Metric name followed by its allowed one-letter values, repeated. */
  private static Map<String, Set<String>> metrics(String... nameThenLetters) {
    Map<String, Set<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < nameThenLetters.length; i += 2) {
      Set<String> values = new java.util.HashSet<>();
      for (char c : nameThenLetters[i + 1].toCharArray()) {
        values.add(String.valueOf(c));
      }
      map.put(nameThenLetters[i], Set.copyOf(values));
    }
    return Map.copyOf(map);
  }
}
