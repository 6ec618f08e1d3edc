package dev.vigil.rollout;

import dev.vigil.api.ImageReportStatus.Update;
import java.time.Instant;
import java.util.Objects;

/**
 * What the {@link RolloutPlanner} decided for one workload container.
 *
 * @param state the redeploy state to report in {@code status.update.state}
 * @param reason why, as {@code status.update.reason}: "&lt;State&gt;: &lt;explanation&gt;"
 * @param action what to do now
 * @param nextCheck when to plan again at the latest; null when only new facts (a scan, a changed
 *     workload or policy) can change the decision
 */
public record Decision(Update.State state, String reason, RolloutAction action, Instant nextCheck) {

  public Decision {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(action, "action");
  }
}
