package dev.vigil.vulndb.severity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Severity;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CvssScorerTest {

  private final CvssScorer scorer = new CvssScorer();

  /**
   * v3.x: the worked examples of FIRST's CVSS v3.1 examples document (phpMyAdmin CVE-2013-1937,
   * Heartbleed CVE-2014-0160, Shellshock CVE-2014-6271, MySQL CVE-2013-0375) and vectors from
   * the OSV fixtures. v4.0 and v2.0: scores from FIRST's calculators, cross-checked with an
   * independent implementation (pandatix js-cvss) that gives the same figures.
   */
  @ParameterizedTest
  @CsvSource({
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N, 3.1, 6.1, Medium",
    "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N, 3.0, 6.1, Medium",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N, 3.1, 7.5, High",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, 3.1, 9.8, Critical",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N, 3.1, 6.4, Medium",
    "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N, 3.1, 4.7, Medium",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H, 3.1, 8.1, High",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N, 3.1, 3.7, Low",
    "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H, 3.0, 10.0, Critical",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 4.0, 9.3, Critical",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N, 4.0, 6.9, Medium",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N, 4.0, 5.1, Medium",
    "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 4.0, 8.5, High",
    "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 4.0, 9.2, Critical",
    "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N, 4.0, 1.0, Low",
    "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:L/VA:N/SC:L/SI:N/SA:H, 4.0, 5.7, Medium",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H, 4.0, 10.0, Critical",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P, 2.0, 7.5, High",
    "AV:L/AC:M/Au:N/C:N/I:P/A:C, 2.0, 5.4, Medium",
    "AV:N/AC:L/Au:N/C:C/I:C/A:C, 2.0, 10.0, High",
  })
  void computesTheBaseScoreAndRating(
      String vector, String version, double score, Severity severity) {
    assertEquals(Optional.of(new CvssScore(version, score, severity)), scorer.score(vector));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "CVSS:3.1/AV:N",
        "CVSS:4.0/AV:N/AC:L",
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/",
        "CVSS:5.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "AV:N/AC:L/Au:N/C:P/I:P"
      })
  void rejectsMalformedOrIncompleteVectors(String vector) {
    assertEquals(Optional.empty(), scorer.score(vector));
  }

  @Test
  void rejectsAbsurdlyLongInputWithoutParsingIt() {
    assertTrue(scorer.score("CVSS:3.1/" + "AV:N/".repeat(1000)).isEmpty());
  }

  @Test
  void zeroScoreIsRatedLow() {
    assertEquals(
        Optional.of(new CvssScore("3.1", 0.0, Severity.Low)),
        scorer.score("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"));
  }
}
