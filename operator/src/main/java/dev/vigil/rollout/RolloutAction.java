package dev.vigil.rollout;

import dev.vigil.registry.ImageReference;
import java.util.Objects;

/** What the {@link RolloutExecutor} should do next for one workload container. */
public sealed interface RolloutAction
    permits RolloutAction.None,
        RolloutAction.StartRollout,
        RolloutAction.Watch,
        RolloutAction.Rollback,
        RolloutAction.Finish,
        RolloutAction.MarkFailed {

  /** Nothing to do. */
  None NONE = new None();

  /** Nothing to do. */
  record None() implements RolloutAction {}

  /**
   * Patch the workload onto the candidate.
   *
   * @param method how
   * @param target the candidate, {@code repo:tag@digest}
   * @param fromDigest the digest the container runs now
   * @param policy name of the ImagePolicy that allowed the rollout
   */
  record StartRollout(RolloutMethod method, ImageReference target, String fromDigest, String policy)
      implements RolloutAction {
    public StartRollout {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(fromDigest, "fromDigest");
      Objects.requireNonNull(policy, "policy");
      if (target.tag() == null || !target.hasDigest()) {
        throw new IllegalArgumentException(
            "a rollout target names a tag and a digest, not " + target);
      }
    }

    /** The digest the workload moves to. */
    public String toDigest() {
      return target.digest();
    }
  }

  /** A rollout is in flight: look again later. */
  record Watch() implements RolloutAction {}

  /** The rollout failed: restore the previous image. */
  record Rollback() implements RolloutAction {}

  /** The rollout succeeded: record it. */
  record Finish() implements RolloutAction {}

  /** The rollout failed and stays in place: record it so that it is not watched again. */
  record MarkFailed() implements RolloutAction {}
}
