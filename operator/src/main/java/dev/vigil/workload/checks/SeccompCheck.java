package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.workload.checks.EffectiveSecurityContext.Sourced;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import java.util.List;
import java.util.Optional;

/**
 * VIG-WL-007. Seccomp filters the system calls a container may make; RuntimeDefault blocks the ones
 * most kernel exploits need. Without a profile the kubelet runs the container Unconfined (unless it
 * was started with --seccomp-default), and Unconfined written out switches the filter off on
 * purpose, which the evidence says.
 */
final class SeccompCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-007";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Workload;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Medium;
  }

  @Override
  public String title() {
    return "Seccomp not enforced (profile Unconfined or not set)";
  }

  @Override
  public String remediation() {
    return "Set seccompProfile: {type: RuntimeDefault} in the pod's securityContext (or a"
        + " Localhost profile written for the application).";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    EffectiveSecurityContext security = context.security();
    Optional<Sourced<SeccompProfile>> profile = security.seccompProfile();
    if (profile.isEmpty()) {
      return List.of(
          "neither "
              + security.containerField()
              + " nor "
              + security.podField()
              + " sets seccompProfile: the container runs Unconfined unless the kubelet uses"
              + " --seccomp-default");
    }
    String type = profile.get().value().getType();
    String field = profile.get().field() + ".type";
    if ("RuntimeDefault".equals(type) || "Localhost".equals(type)) {
      return List.of();
    }
    if ("Unconfined".equals(type)) {
      return List.of(field + " is Unconfined: seccomp is explicitly switched off");
    }
    return type == null
        ? List.of(field + " is not set")
        : List.of(field + " is " + type + ", not RuntimeDefault or Localhost");
  }
}
