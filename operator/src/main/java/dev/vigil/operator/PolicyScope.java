package dev.vigil.operator;

import dev.vigil.api.ImagePolicy;
import dev.vigil.workload.WorkloadSource;
import java.util.Set;

/**
 * Which namespaces and workloads an ImagePolicy governs: a policy in the operator's namespace
 * may select namespaces; a policy anywhere else governs only its own namespace.
 */
public final class PolicyScope {

  private final WorkloadSource workloads;
  private final String operatorNamespace;

  public PolicyScope(WorkloadSource workloads, String operatorNamespace) {
    this.workloads = workloads;
    this.operatorNamespace = operatorNamespace;
  }

  public Set<String> namespaces(ImagePolicy policy) {
    String own = policy.getMetadata().getNamespace();
    if (own.equals(operatorNamespace) && policy.getSpec().match != null
        && policy.getSpec().match.namespaceSelector != null) {
      return workloads.namespaces(policy.getSpec().match.namespaceSelector);
    }
    return Set.of(own);
  }

  public int matchedWorkloads(ImagePolicy policy) {
    var match = policy.getSpec().match;
    return workloads.workloads(namespaces(policy), match == null ? null : match.workloadSelector).size();
  }
}
