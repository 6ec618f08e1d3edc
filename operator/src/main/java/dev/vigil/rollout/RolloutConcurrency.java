package dev.vigil.rollout;

/**
 * Rollouts in flight when a new one is considered. A rollout is in flight while its workload's
 * {@link RolloutAnnotation} has phase {@link RolloutPhase#RollingOut}.
 *
 * @param clusterInFlight rollouts in flight in the whole cluster
 * @param clusterLimit how many the operator allows at once cluster-wide (at least 1)
 * @param policyInFlight rollouts in flight that the same ImagePolicy started
 */
public record RolloutConcurrency(int clusterInFlight, int clusterLimit, int policyInFlight) {

  public RolloutConcurrency {
    if (clusterInFlight < 0 || policyInFlight < 0) {
      throw new IllegalArgumentException("rollouts in flight cannot be negative");
    }
    if (clusterLimit < 1) {
      throw new IllegalArgumentException(
          "the cluster-wide rollout limit must be at least 1, not " + clusterLimit);
    }
  }
}
