package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OperatorLifecycleTest {

  @Test
  void aStandbyIsLiveAndReadyButDoesNoWork() {
    OperatorLifecycle lifecycle = new OperatorLifecycle();
    assertNull(lifecycle.livenessProblem(), "live while starting");
    assertEquals("starting", lifecycle.readinessProblem());
    lifecycle.started(() -> null);
    assertNull(lifecycle.livenessProblem());
    assertNull(lifecycle.readinessProblem(), "a standby is ready: a rolling update waits for it");
    assertFalse(lifecycle.isLeading());
    lifecycle.leading(true);
    assertTrue(lifecycle.isLeading());
  }

  @Test
  void theFirstStopReasonStandsAndFailsLivenessAndReadiness() {
    OperatorLifecycle lifecycle = new OperatorLifecycle();
    lifecycle.started(() -> null);
    lifecycle.leading(true);
    List<StopReason> seen = new ArrayList<>();
    lifecycle.onStopRequested(seen::add);

    assertTrue(lifecycle.requestStop(StopReason.REQUESTED, "SIGTERM"));
    // JOSDK cancelling the elector reports "stopped leading": still a requested stop.
    assertFalse(lifecycle.requestStop(StopReason.LOST_LEADERSHIP, "elector cancelled"));

    assertEquals(Optional.of(StopReason.REQUESTED), lifecycle.stopReason());
    assertEquals(List.of(StopReason.REQUESTED), seen);
    assertEquals("stopping: stop requested (SIGTERM)", lifecycle.livenessProblem());
    assertEquals(lifecycle.livenessProblem(), lifecycle.readinessProblem());
    assertFalse(lifecycle.isLeading(), "a stopping replica no longer counts as the leader");
  }

  @Test
  void anActionRegisteredAfterTheRequestRunsAtOnce() throws Exception {
    OperatorLifecycle lifecycle = new OperatorLifecycle();
    lifecycle.requestStop(StopReason.API_UNREACHABLE, "no answer for 61 s");
    List<StopReason> seen = new ArrayList<>();
    lifecycle.onStopRequested(seen::add);
    assertEquals(List.of(StopReason.API_UNREACHABLE), seen);
    assertEquals(StopReason.API_UNREACHABLE, lifecycle.awaitStop());
  }

  @Test
  void anApiProblemFailsLivenessWhileRunning() {
    OperatorLifecycle lifecycle = new OperatorLifecycle();
    lifecycle.started(() -> null);
    lifecycle.apiProblem(() -> "no successful API server check for 70 s");
    assertEquals("no successful API server check for 70 s", lifecycle.livenessProblem());
    assertEquals("no successful API server check for 70 s", lifecycle.readinessProblem());
  }

  @Test
  void exitCodesAreDistinct() {
    assertEquals(0, StopReason.REQUESTED.exitCode());
    assertEquals(3, StopReason.LOST_LEADERSHIP.exitCode());
    assertEquals(4, StopReason.API_UNREACHABLE.exitCode());
    assertEquals(5, StopReason.EXIT_STOP_TIMEOUT);
  }
}
