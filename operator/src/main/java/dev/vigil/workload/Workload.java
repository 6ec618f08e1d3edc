package dev.vigil.workload;

import dev.vigil.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * A workload Vigil watches: its kind, identity and pod template.
 *
 * @param kind workload kind
 * @param resource the Kubernetes object itself
 * @param podSpec the pod template's spec (the pod's spec for bare Pods)
 */
public record Workload(WorkloadKind kind, HasMetadata resource, PodSpec podSpec) {

  public String namespace() {
    return resource.getMetadata().getNamespace();
  }

  public String name() {
    return resource.getMetadata().getName();
  }
}
