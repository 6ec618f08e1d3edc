package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's real scrape, with every Vigil metric present, passes promtool's linter. */
class PromtoolMetricsLintTest {

  @Test
  void scrapeWithReportsHasNoLintProblemsOnVigilSeries() throws Exception {
    String scrape = MetricsFixtures.populatedRegistry().scrape();
    assertTrue(scrape.contains("vigil_image_vulnerability{"), "every family is present");

    Promtool.Result result = Promtool.run(Path.of("."), scrape, "check", "metrics");

    assertFalse(result.output().contains("error while linting"), result.output());
    assertTrue(
        result.exitCode() == 0 || result.exitCode() == 3,
        "0 (clean) or 3 (lint findings), got " + result.exitCode() + ": " + result.output());
    List<String> ours = result.output().lines().filter(l -> l.startsWith("vigil_")).toList();
    assertEquals(List.of(), ours);
  }

  @Test
  void promtoolReportsLintProblemsInOurFamilies() throws Exception {
    // Guards the test above: a vigil_ counter without _total must be reported.
    String bad =
        "# HELP vigil_bad a counter named wrongly\n# TYPE vigil_bad counter\nvigil_bad 1\n";

    Promtool.Result result = Promtool.run(Path.of("."), bad, "check", "metrics");

    assertEquals(3, result.exitCode(), result.output());
    assertEquals(
        List.of("vigil_bad counter metrics should have \"_total\" suffix"),
        result.output().lines().filter(l -> l.startsWith("vigil_")).toList());
  }
}
