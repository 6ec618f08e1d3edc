package dev.vigil.rollout;

/** How a workload is moved to a candidate (the policy's Auto resolves to one of these). */
public enum RolloutMethod {
  /** Set the container image to {@code repo:tag@digest}. */
  PinDigest,
  /** Change a pod-template annotation so that pods are recreated and pull the tag again. */
  Restart
}
