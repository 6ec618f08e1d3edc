package dev.vigil.operator;

import dev.vigil.testsupport.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ApiConnectionMonitorTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final AtomicReference<String> answer = new AtomicReference<>();
  private final List<String> lost = new ArrayList<>();
  private final ApiConnectionMonitor monitor =
      new ApiConnectionMonitor(answer::get, Duration.ofSeconds(60), clock, lost::add);

  @Test
  void failuresShorterThanTheBoundAreTolerated() {
    answer.set("connection refused");
    clock.advance(Duration.ofSeconds(30));
    monitor.check();
    clock.advance(Duration.ofSeconds(30));
    monitor.check();
    assertNull(monitor.problem());
    assertEquals(List.of(), lost);

    answer.set(null);
    clock.advance(Duration.ofSeconds(20));
    monitor.check();
    clock.advance(Duration.ofSeconds(50));
    assertNull(monitor.problem(), "the bound counts from the last success");
  }

  @Test
  void failingBeyondTheBoundIsAProblemAndAsksForTheStopOnce() {
    answer.set("GET /version: ConnectException: Connection refused");
    clock.advance(Duration.ofSeconds(61));
    monitor.check();
    clock.advance(Duration.ofSeconds(10));
    monitor.check();
    assertEquals(1, lost.size());
    assertTrue(lost.get(0).startsWith("no successful API server check for 61 s: GET /version"), lost.get(0));
    assertTrue(monitor.problem().startsWith("no successful API server check for 71 s"), monitor.problem());
  }

  @Test
  void aProbeThatNeverReturnsStillFailsLivenessOnTime() {
    clock.advance(Duration.ofSeconds(61));
    assertEquals("no successful API server check for 61 s", monitor.problem());
  }

  @Test
  void aThrowingProbeCountsAsAFailure() {
    ApiConnectionMonitor throwing = new ApiConnectionMonitor(() -> {
      throw new IllegalStateException("boom");
    }, Duration.ofSeconds(5), clock, lost::add);
    clock.advance(Duration.ofSeconds(6));
    throwing.check();
    assertEquals(1, lost.size());
    assertTrue(lost.get(0).contains("boom"), lost.get(0));
  }

  @Test
  void probesRunAQuarterOfTheBoundApartWithinLimits() {
    assertEquals(Duration.ofSeconds(10), ApiConnectionMonitor.interval(Duration.ofMinutes(5)));
    assertEquals(Duration.ofSeconds(15).dividedBy(4), ApiConnectionMonitor.interval(Duration.ofSeconds(15)));
    assertEquals(Duration.ofSeconds(1), ApiConnectionMonitor.interval(Duration.ofSeconds(2)));
  }

}
