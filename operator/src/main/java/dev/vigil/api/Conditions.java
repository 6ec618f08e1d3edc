package dev.vigil.api;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Sets metav1.Condition entries the way Kubernetes expects: lastTransitionTime moves only
 * when the status flips, so re-asserting the same condition changes nothing.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  /** Sets (adds or replaces) condition {@code type}. */
  public static void set(
      VigilStatus status,
      String type,
      String conditionStatus,
      String reason,
      String message,
      Long observedGeneration,
      Clock clock) {
    Optional<Condition> existing = find(status, type);
    String transition =
        existing
            .filter(c -> conditionStatus.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    Condition condition = new Condition();
    condition.setType(type);
    condition.setStatus(conditionStatus);
    condition.setReason(reason);
    condition.setMessage(message == null ? "" : message);
    condition.setObservedGeneration(observedGeneration);
    condition.setLastTransitionTime(transition);
    status.conditions.removeIf(c -> type.equals(c.getType()));
    status.conditions.add(condition);
    status.conditions.sort(java.util.Comparator.comparing(Condition::getType));
  }

  public static Optional<Condition> find(VigilStatus status, String type) {
    if (status == null || status.conditions == null) {
      return Optional.empty();
    }
    return status.conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(VigilStatus status, String type) {
    return find(status, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }
}
