package dev.vigil.vulndb.severity;

import dev.vigil.api.Severity;

/**
 * The base score of a CVSS vector.
 *
 * @param version "2.0", "3.0", "3.1" or "4.0"
 * @param baseScore 0.0 to 10.0, one decimal
 * @param severity the qualitative rating of that score for that CVSS version
 */
public record CvssScore(String version, double baseScore, Severity severity) {}
