package dev.vigil.operator;

import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.ImageReportStatus.Update;
import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.metrics.ScanMetrics;
import dev.vigil.rollout.Decision;
import dev.vigil.workload.Workload;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;

/**
 * Makes an update decision visible: {@code status.update} and the UpToDate condition on the
 * container's ImageReport, an Event on the workload when the state or reason changes (Warning for
 * rollbacks, failures and blocked candidates, Normal otherwise), and
 * {@code vigil_redeploys_total{result}} for every finished redeploy and every newly blocked
 * candidate.
 */
final class UpdateRecorder {

  private static final Set<State> UP_TO_DATE = Set.of(State.None, State.RolledOut);
  private static final Set<State> WARNINGS = Set.of(State.Blocked, State.RolledBack, State.Failed);
  private static final Set<State> AVAILABLE = Set.of(State.Available, State.Waiting, State.RollingOut);

  private final ReportWriter reports;
  private final EventRecorder events;
  private final ScanMetrics metrics;

  UpdateRecorder(ReportWriter reports, EventRecorder events, ScanMetrics metrics) {
    this.reports = reports;
    this.events = events;
    this.metrics = metrics;
  }

  /**
   * Records a decision.
   *
   * @param previous the report's {@code status.update} before this step, null when none
   * @param next the new {@code status.update}: state, reason, candidate and history filled in
   * @param finished the redeploy result this step concluded (RolledOut, RolledBack, Failed), or null
   */
  void record(Workload workload, String container, Update previous, Update next, State finished) {
    next.available = AVAILABLE.contains(next.state);
    boolean upToDate = UP_TO_DATE.contains(next.state);
    reports.writeUpdate(workload, container, next, upToDate, next.state.name(), next.reason);
    if (finished != null) {
      metrics.redeployFinished(result(finished));
    }
    boolean changed = previous == null || previous.state != next.state
        || !Objects.equals(previous.reason, next.reason);
    if (next.state == State.Blocked
        && (previous == null || previous.state != State.Blocked || !sameCandidate(previous, next))) {
      metrics.redeployFinished(ScanMetrics.RedeployResult.BLOCKED);
    }
    if (changed && next.state != State.None) {
      events.publish(workload.resource(),
          WARNINGS.contains(next.state) ? EventRecorder.Type.Warning : EventRecorder.Type.Normal,
          "Update" + next.state.name(), "container " + container + ": " + next.reason);
    }
  }

  /** A fresh {@code status.update} carrying the previous history. */
  static Update next(Update previous, Decision decision, ImageReportStatus.Candidate candidate) {
    Update next = new Update();
    next.state = decision.state();
    next.reason = decision.reason();
    next.candidate = candidate;
    next.history = previous == null || previous.history == null ? new ArrayList<>()
        : new ArrayList<>(previous.history);
    return next;
  }

  private static boolean sameCandidate(Update a, Update b) {
    String x = a == null || a.candidate == null ? null : a.candidate.digest;
    String y = b.candidate == null ? null : b.candidate.digest;
    return Objects.equals(x, y);
  }

  private static ScanMetrics.RedeployResult result(State state) {
    return switch (state) {
      case RolledOut -> ScanMetrics.RedeployResult.ROLLED_OUT;
      case RolledBack -> ScanMetrics.RedeployResult.ROLLED_BACK;
      case Failed -> ScanMetrics.RedeployResult.FAILED;
      default -> throw new IllegalArgumentException("not a redeploy result: " + state);
    };
  }
}
