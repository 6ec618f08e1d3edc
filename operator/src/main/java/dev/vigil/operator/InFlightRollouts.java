package dev.vigil.operator;

import dev.vigil.rollout.MalformedRolloutAnnotationException;
import dev.vigil.rollout.RolloutAnnotation;
import dev.vigil.rollout.RolloutConcurrency;
import dev.vigil.rollout.RolloutPhase;
import dev.vigil.workload.Workload;
import dev.vigil.workload.WorkloadIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollouts in flight, read from the {@code vigil.dev/rollout} annotations in the workload
 * cache: the cluster is the only state, so a restarted operator sees the same answer.
 */
final class InFlightRollouts {

  /** A workload with a rollout in phase RollingOut. */
  record InFlight(Workload workload, RolloutAnnotation annotation) {}

  private final WorkloadIndex workloads;
  private final int clusterLimit;

  InFlightRollouts(WorkloadIndex workloads, int clusterLimit) {
    this.workloads = workloads;
    this.clusterLimit = clusterLimit;
  }

  List<InFlight> all() {
    List<InFlight> out = new ArrayList<>();
    for (Workload w : workloads.workloads(workloads.namespaces(null), null)) {
      try {
        RolloutAnnotation.read(w.resource())
            .filter(a -> a.phase() == RolloutPhase.RollingOut)
            .ifPresent(a -> out.add(new InFlight(w, a)));
      } catch (MalformedRolloutAnnotationException e) {
        // Not Vigil's (or damaged): the update step reports it on that workload's report.
      }
    }
    return out;
  }

  /**
   * Rollouts in flight cluster-wide and for one policy, with the cluster-wide limit.
   *
   * @param policy the policy as a report names it for a workload in {@code namespace}: its bare
   *     name when it lives there, "namespace/name" otherwise
   */
  RolloutConcurrency concurrency(String namespace, String policy) {
    String wanted = qualified(namespace, policy);
    List<InFlight> all = all();
    int forPolicy = (int) all.stream()
        .filter(f -> qualified(f.workload().namespace(), f.annotation().policy()).equals(wanted))
        .count();
    return new RolloutConcurrency(all.size(), clusterLimit, forPolicy);
  }

  /** Policies named alike in different namespaces are different policies. */
  private static String qualified(String namespace, String policy) {
    return policy.contains("/") ? policy : namespace + "/" + policy;
  }
}
