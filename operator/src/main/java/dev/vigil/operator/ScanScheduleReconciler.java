package dev.vigil.operator;

import dev.vigil.api.Conditions;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleStatus;
import dev.vigil.scan.RunSchedule;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;

/**
 * Keeps a ScanSchedule's clock: validates the cron or interval, records when a run was due
 * and requeues itself for the next one.
 */
@ControllerConfiguration(name = "scanschedule")
public class ScanScheduleReconciler implements Reconciler<ScanSchedule> {

  public static final String REASON_SCHEDULED = "Scheduled";
  public static final String REASON_SUSPENDED = "Suspended";
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_NO_FUTURE_RUN = "NoFutureRun";
  public static final String REASON_RECONCILE_ERROR = "ReconcileError";
  public static final String REASON_RUN_FAILED = "RunFailed";

  /** Upper bound on one sleep, so clock jumps and missed events heal within the hour. */
  private static final Duration MAX_WAIT = Duration.ofHours(1);

  private final EventRecorder events;
  private final OperatorSettings settings;
  private final ScanRunner runner;
  private final SimpleInboundEventSource<ScanSchedule> runsFinished = new SimpleInboundEventSource<>("runs-finished");
  /** Finished runs not yet written to their schedule's status, by schedule uid. */
  private final Map<String, ScanScheduleStatus.LastRun> finished = new ConcurrentHashMap<>();
  /** Runs in flight, by schedule uid: a run is never started twice for one due time. */
  private final Map<String, String> running = new ConcurrentHashMap<>();

  private final java.util.function.Supplier<VulnerabilityDataState> vulnerabilityData;

  public ScanScheduleReconciler(EventRecorder events, OperatorSettings settings, ScanRunner runner) {
    this(events, settings, runner, () -> null);
  }

  /**
   * @param vulnerabilityData the state reported as the VulnerabilityData condition; null from
   *     the supplier leaves the condition out (matching is off)
   */
  public ScanScheduleReconciler(EventRecorder events, OperatorSettings settings, ScanRunner runner,
      java.util.function.Supplier<VulnerabilityDataState> vulnerabilityData) {
    this.events = events;
    this.settings = settings;
    this.runner = runner;
    this.vulnerabilityData = vulnerabilityData;
  }

  @Override
  public List<EventSource<?, ScanSchedule>> prepareEventSources(EventSourceContext<ScanSchedule> context) {
    return List.of(runsFinished);
  }

  @Override
  public UpdateControl<ScanSchedule> reconcile(ScanSchedule schedule, Context<ScanSchedule> context) {
    ScanScheduleStatus before = schedule.getStatus();
    ScanScheduleStatus status = StatusDiff.copy(before, ScanScheduleStatus.class);
    if (status == null) {
      status = new ScanScheduleStatus();
    }
    Long generation = schedule.getMetadata().getGeneration();
    status.observedGeneration = generation;
    String uid = schedule.getMetadata().getUid();
    ScanScheduleStatus.LastRun done = finished.remove(uid);
    if (done != null) {
      status.lastRun = done;
    }
    Instant now = settings.clock().instant();
    RunSchedule.Parsed parsed = RunSchedule.parse(schedule.getSpec(), settings.minScanInterval());
    Duration wait = null;
    if (!parsed.valid()) {
      String message = String.join("; ", parsed.problems());
      status.nextScheduleTime = null;
      Conditions.set(status, Conditions.READY, Conditions.FALSE, REASON_INVALID_SPEC, message,
          generation, settings.clock());
      events.publish(schedule, EventRecorder.Type.Warning, REASON_INVALID_SPEC, message);
    } else if (Boolean.TRUE.equals(schedule.getSpec().suspend)) {
      status.nextScheduleTime = null;
      Conditions.set(status, Conditions.READY, Conditions.TRUE, REASON_SUSPENDED,
          "scheduled runs are suspended", generation, settings.clock());
    } else {
      RunSchedule runs = parsed.schedule();
      Instant anchor = anchor(schedule, status, now);
      Optional<Instant> due = runs.latestDue(anchor, now);
      if (due.isPresent()) {
        // Recording the due time first means a restart neither loses nor repeats the run.
        status.lastScheduleTime = rfc3339(due.get());
        anchor = due.get();
        startRun(schedule, status.lastScheduleTime);
      }
      Optional<Instant> next = runs.nextAfter(anchor);
      if (next.isEmpty()) {
        status.nextScheduleTime = null;
        Conditions.set(status, Conditions.READY, Conditions.TRUE, REASON_NO_FUTURE_RUN,
            "the schedule has no future run", generation, settings.clock());
      } else {
        status.nextScheduleTime = rfc3339(next.get());
        Conditions.set(status, Conditions.READY, Conditions.TRUE, REASON_SCHEDULED,
            "next run at " + status.nextScheduleTime, generation, settings.clock());
        wait = Duration.between(now, next.get());
      }
    }
    VulnerabilityDataState data = vulnerabilityData.get();
    if (data != null) {
      Conditions.set(status, VulnerabilityDataState.CONDITION, data.status(), data.reason(), data.message(),
          generation, settings.clock());
    }
    UpdateControl<ScanSchedule> control;
    if (StatusDiff.same(before, status)) {
      control = UpdateControl.noUpdate();
    } else {
      schedule.setStatus(status);
      control = UpdateControl.patchStatus(schedule);
    }
    if (wait != null) {
      Duration bounded = wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
      // Wake slightly after the due time so the run is seen as due, not as just ahead.
      control.rescheduleAfter(bounded.plusMillis(50).toMillis());
    }
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<ScanSchedule> updateErrorStatus(
      ScanSchedule schedule, Context<ScanSchedule> context, Exception e) {
    if (ApiConflicts.isConflict(e)) {
      // A 409 only says the status was written from a stale copy (e.g. right after start-up):
      // the retry reconciles from the fresh object, so Ready must not flap to False meanwhile.
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    ScanScheduleStatus status = StatusDiff.copy(schedule.getStatus(), ScanScheduleStatus.class);
    if (status == null) {
      status = new ScanScheduleStatus();
    }
    Conditions.set(status, Conditions.READY, Conditions.FALSE, REASON_RECONCILE_ERROR,
        "reconcile failed, retrying: " + e.getMessage(), schedule.getMetadata().getGeneration(),
        settings.clock());
    schedule.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(schedule);
  }

  private void startRun(ScanSchedule schedule, String dueTime) {
    String uid = schedule.getMetadata().getUid();
    if (running.putIfAbsent(uid, dueTime) != null) {
      return;
    }
    ResourceID id = ResourceID.fromResource(schedule);
    runner.run(schedule).whenComplete((run, error) -> {
      running.remove(uid);
      if (run != null) {
        finished.put(uid, run);
      } else {
        events.publish(schedule, EventRecorder.Type.Warning, REASON_RUN_FAILED,
            "scheduled run failed: " + error.getMessage());
      }
      runsFinished.propagateEvent(id);
    });
  }

  /** Runs are counted from the last recorded run, else from the schedule's creation. */
  private static Instant anchor(ScanSchedule schedule, ScanScheduleStatus status, Instant now) {
    if (status.lastScheduleTime != null) {
      return Instant.parse(status.lastScheduleTime);
    }
    String created = schedule.getMetadata().getCreationTimestamp();
    if (created != null) {
      Instant t = Instant.parse(created);
      return t.isAfter(now) ? now : t;
    }
    return now;
  }

  private static String rfc3339(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
