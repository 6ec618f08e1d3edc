package dev.vigil.rollout;

import dev.vigil.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a workload controller's status the way {@code kubectl rollout status} does, from the object
 * alone (pure). Status written for an older generation never counts: right after a patch the
 * previous rollout's "complete" status is still there. A status without {@code
 * observedGeneration} is none: the API server shows an object no controller has seen yet with an
 * empty {@code status: {}}.
 */
public final class ProgressEvaluator {

  static final String PROGRESSING = "Progressing";
  static final String NEW_REPLICA_SET_AVAILABLE = "NewReplicaSetAvailable";
  static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

  private ProgressEvaluator() {}

  /**
   * The rollout progress a workload's status shows.
   *
   * @throws IllegalArgumentException for kinds that are not rolled out (Job, Pod)
   */
  public static Progress of(WorkloadKind kind, HasMetadata workload) {
    return switch (kind) {
      case Deployment -> deployment((Deployment) workload);
      case StatefulSet -> statefulSet((StatefulSet) workload);
      case DaemonSet -> daemonSet((DaemonSet) workload);
      case CronJob -> Progress.succeeded("the next runs of the CronJob use the new pod template");
      case Job, Pod -> throw new IllegalArgumentException("a " + kind + " is never rolled out");
    };
  }

  private static Progress deployment(Deployment d) {
    DeploymentStatus status = d.getStatus();
    if (status == null || status.getObservedGeneration() == null) {
      return Progress.inProgress("the Deployment has no status yet");
    }
    Optional<Progress> stale = stale(d, status.getObservedGeneration());
    if (stale.isPresent()) {
      return stale.get();
    }
    DeploymentCondition progressing =
        status.getConditions() == null
            ? null
            : status.getConditions().stream()
                .filter(c -> PROGRESSING.equals(c.getType()))
                .findFirst()
                .orElse(null);
    if (progressing != null && PROGRESS_DEADLINE_EXCEEDED.equals(progressing.getReason())) {
      return Progress.failed(
          "Deployment "
              + PROGRESS_DEADLINE_EXCEEDED
              + (progressing.getMessage() == null ? "" : ": " + progressing.getMessage()));
    }
    int desired = orDefault(d.getSpec() == null ? null : d.getSpec().getReplicas(), 1);
    int updated = orDefault(status.getUpdatedReplicas(), 0);
    int total = orDefault(status.getReplicas(), 0);
    int available = orDefault(status.getAvailableReplicas(), 0);
    if (updated < desired) {
      return Progress.inProgress(updated + " of " + desired + " replicas updated");
    }
    if (total > updated) {
      return Progress.inProgress((total - updated) + " old replicas pending termination");
    }
    if (available < updated) {
      return Progress.inProgress(available + " of " + updated + " updated replicas available");
    }
    if (progressing == null || !NEW_REPLICA_SET_AVAILABLE.equals(progressing.getReason())) {
      return Progress.inProgress(
          "waiting for condition Progressing with reason " + NEW_REPLICA_SET_AVAILABLE);
    }
    return Progress.succeeded(desired + " of " + desired + " replicas updated and available");
  }

  private static Progress statefulSet(StatefulSet s) {
    StatefulSetStatus status = s.getStatus();
    if (status == null || status.getObservedGeneration() == null) {
      return Progress.inProgress("the StatefulSet has no status yet");
    }
    Optional<Progress> stale = stale(s, status.getObservedGeneration());
    if (stale.isPresent()) {
      return stale.get();
    }
    int desired = orDefault(s.getSpec() == null ? null : s.getSpec().getReplicas(), 1);
    int updated = orDefault(status.getUpdatedReplicas(), 0);
    int ready = orDefault(status.getReadyReplicas(), 0);
    if (status.getUpdateRevision() == null
        || !Objects.equals(status.getUpdateRevision(), status.getCurrentRevision())) {
      return Progress.inProgress(
          "revision "
              + status.getUpdateRevision()
              + " is not current yet (current "
              + status.getCurrentRevision()
              + "); "
              + updated
              + " of "
              + desired
              + " replicas updated");
    }
    if (updated != desired || ready != desired) {
      return Progress.inProgress(
          updated + " of " + desired + " replicas updated, " + ready + " ready");
    }
    return Progress.succeeded(desired + " of " + desired + " replicas updated and ready");
  }

  private static Progress daemonSet(DaemonSet d) {
    DaemonSetStatus status = d.getStatus();
    if (status == null || status.getObservedGeneration() == null) {
      return Progress.inProgress("the DaemonSet has no status yet");
    }
    Optional<Progress> stale = stale(d, status.getObservedGeneration());
    if (stale.isPresent()) {
      return stale.get();
    }
    int desired = orDefault(status.getDesiredNumberScheduled(), 0);
    int updated = orDefault(status.getUpdatedNumberScheduled(), 0);
    int available = orDefault(status.getNumberAvailable(), 0);
    if (updated != desired || available != desired) {
      return Progress.inProgress(
          updated + " of " + desired + " scheduled pods updated, " + available + " available");
    }
    return Progress.succeeded(desired + " of " + desired + " scheduled pods updated and available");
  }

  private static Optional<Progress> stale(HasMetadata workload, Long observedGeneration) {
    long generation =
        workload.getMetadata().getGeneration() == null ? 0 : workload.getMetadata().getGeneration();
    long observed = observedGeneration == null ? 0 : observedGeneration;
    if (observed < generation) {
      return Optional.of(
          Progress.inProgress(
              "the controller has not observed generation "
                  + generation
                  + " yet (observed "
                  + observed
                  + ")"));
    }
    return Optional.empty();
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
