package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Set;

/** Finds workloads and namespaces in the cluster. */
public interface WorkloadSource {

  /** Names of namespaces matching a selector (null selector = all namespaces). */
  Set<String> namespaces(LabelSelector namespaceSelector);

  /**
   * Workloads in the given namespaces that match the selector. Jobs owned by a CronJob and
   * Pods owned by a controller are not workloads of their own.
   */
  List<Workload> workloads(Set<String> namespaces, LabelSelector workloadSelector);
}
