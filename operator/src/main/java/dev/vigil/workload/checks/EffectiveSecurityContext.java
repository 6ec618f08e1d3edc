package dev.vigil.workload.checks;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.Optional;
import java.util.function.Function;

/**
 * The security settings a container actually runs with where Kubernetes lets the pod set a default:
 * runAsUser, runAsNonRoot and seccompProfile set on the container win over the pod's
 * securityContext, which applies otherwise. Each value carries the field it came from, so evidence
 * can name it exactly.
 */
final class EffectiveSecurityContext {

  /**
   * A setting and the field that supplied it.
   *
   * @param field full path, e.g. "spec.template.spec.securityContext.runAsNonRoot"
   */
  record Sourced<T>(T value, String field) {}

  private final PodSecurityContext pod;
  private final SecurityContext container;
  private final FieldPaths paths;

  EffectiveSecurityContext(PodSecurityContext pod, SecurityContext container, FieldPaths paths) {
    this.pod = pod;
    this.container = container;
    this.paths = paths;
  }

  Optional<Sourced<Long>> runAsUser() {
    return effective("runAsUser", SecurityContext::getRunAsUser, PodSecurityContext::getRunAsUser);
  }

  Optional<Sourced<Boolean>> runAsNonRoot() {
    return effective(
        "runAsNonRoot", SecurityContext::getRunAsNonRoot, PodSecurityContext::getRunAsNonRoot);
  }

  Optional<Sourced<SeccompProfile>> seccompProfile() {
    return effective(
        "seccompProfile",
        SecurityContext::getSeccompProfile,
        PodSecurityContext::getSeccompProfile);
  }

  /** "spec.template.spec.containers[web].securityContext" */
  String containerField() {
    return paths.container("securityContext");
  }

  /** "spec.template.spec.securityContext" */
  String podField() {
    return paths.pod("securityContext");
  }

  private <T> Optional<Sourced<T>> effective(
      String field,
      Function<SecurityContext, T> fromContainer,
      Function<PodSecurityContext, T> fromPod) {
    if (container != null && fromContainer.apply(container) != null) {
      return Optional.of(
          new Sourced<>(fromContainer.apply(container), containerField() + "." + field));
    }
    if (pod != null && fromPod.apply(pod) != null) {
      return Optional.of(new Sourced<>(fromPod.apply(pod), podField() + "." + field));
    }
    return Optional.empty();
  }
}
