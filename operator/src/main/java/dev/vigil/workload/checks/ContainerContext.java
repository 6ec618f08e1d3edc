package dev.vigil.workload.checks;

import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * What a check sees: the workload, its pod spec, the one container being judged, where their fields
 * live for evidence, and the policy's settings.
 */
record ContainerContext(
    Workload workload,
    PodSpec pod,
    CheckedContainer container,
    FieldPaths paths,
    WorkloadCheckSettings settings) {

  /** The container's security context combined with the pod's, as the kubelet applies them. */
  EffectiveSecurityContext security() {
    return new EffectiveSecurityContext(
        pod.getSecurityContext(), container.securityContext(), paths);
  }
}
