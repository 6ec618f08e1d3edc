package dev.vigil.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.ScanScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunScheduleTest {

  private static RunSchedule cron(String expr, String zone) {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.schedule = expr;
    spec.timeZone = zone;
    RunSchedule.Parsed parsed = RunSchedule.parse(spec, Duration.ofMinutes(1));
    assertEquals(List.of(), parsed.problems());
    return parsed.schedule();
  }

  @Test
  void cronNextRunIsInTheScheduleTimeZone() {
    RunSchedule s = cron("0 2 * * *", "Europe/Berlin");
    // 2026-11-22 is winter time in Berlin (UTC+1): 02:00 local is 01:00Z.
    assertEquals(Optional.of(Instant.parse("2026-11-23T01:00:00Z")),
        s.nextAfter(Instant.parse("2026-11-22T10:00:00Z")));
    // Summer time (UTC+2).
    assertEquals(Optional.of(Instant.parse("2026-07-02T00:00:00Z")),
        s.nextAfter(Instant.parse("2026-07-01T10:00:00Z")));
  }

  @Test
  void missedCronRunsCollapseIntoTheLatestDueOne() {
    RunSchedule s = cron("0 */6 * * *", "UTC");
    assertEquals(Optional.of(Instant.parse("2026-11-22T18:00:00Z")),
        s.latestDue(Instant.parse("2026-11-21T23:00:00Z"), Instant.parse("2026-11-22T20:15:00Z")));
    assertEquals(Optional.empty(),
        s.latestDue(Instant.parse("2026-11-22T18:00:00Z"), Instant.parse("2026-11-22T20:15:00Z")));
  }

  @Test
  void intervalRunsStayOnTheGridOfTheAnchor() {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.interval = "6h";
    RunSchedule s = RunSchedule.parse(spec, Duration.ofMinutes(1)).schedule();
    Instant anchor = Instant.parse("2026-11-22T00:10:00Z");
    assertEquals(Optional.of(Instant.parse("2026-11-22T12:10:00Z")),
        s.latestDue(anchor, Instant.parse("2026-11-22T15:00:00Z")));
    assertEquals(Optional.of(Instant.parse("2026-11-22T06:10:00Z")), s.nextAfter(anchor));
    assertEquals(Optional.empty(), s.latestDue(anchor, Instant.parse("2026-11-22T06:09:59Z")));
  }

  @Test
  void everyProblemOfABadSpecIsNamed() {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.schedule = "* * *";
    spec.timeZone = "Mars/Olympus";
    RunSchedule.Parsed parsed = RunSchedule.parse(spec, Duration.ofMinutes(1));
    assertFalse(parsed.valid());
    assertEquals(List.of(
        "spec.timeZone: 'Mars/Olympus' is not a known IANA time zone",
        "spec.schedule: '* * *' must have five fields: minute hour day-of-month month day-of-week"),
        parsed.problems());
  }

  @Test
  void scheduleAndIntervalTogetherAreRejected() {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.schedule = "0 * * * *";
    spec.interval = "1h";
    assertTrue(RunSchedule.parse(spec, Duration.ofMinutes(1)).problems()
        .contains("spec: exactly one of schedule or interval must be set"));
  }
}
