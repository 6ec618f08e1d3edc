package dev.vigil.rollout;

/** Where a rollout recorded in a {@link RolloutAnnotation} stands. */
public enum RolloutPhase {
  /** Patched; waiting for the workload controller to finish. */
  RollingOut,
  /** The workload runs the new image. */
  RolledOut,
  /** The rollout failed and the previous image was restored. */
  RolledBack,
  /** The rollout failed and was left in place (rollback.onFailure is false). */
  Failed
}
