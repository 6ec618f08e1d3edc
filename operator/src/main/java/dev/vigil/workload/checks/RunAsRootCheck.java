package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.workload.checks.EffectiveSecurityContext.Sourced;
import java.util.List;
import java.util.Optional;

/**
 * VIG-WL-001. The effective runAsUser decides the uid when set; 0 asks for root. Without it only
 * runAsNonRoot: true protects the container, by making the kubelet refuse to start an image whose
 * USER is root. Otherwise the image's USER decides, and most images say root (VIG-IMG-001).
 */
final class RunAsRootCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-001";
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
    return "Container may run as root";
  }

  @Override
  public String remediation() {
    return "Set runAsNonRoot: true and a non-zero runAsUser (e.g. 10001) in the pod's or the"
        + " container's securityContext, and build the image with a numeric non-root USER.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    EffectiveSecurityContext security = context.security();
    Optional<Sourced<Long>> user = security.runAsUser();
    if (user.isPresent()) {
      return user.get().value() == 0 ? List.of(user.get().field() + " is 0") : List.of();
    }
    Optional<Sourced<Boolean>> nonRoot = security.runAsNonRoot();
    if (nonRoot.isEmpty()) {
      return List.of(
          "neither "
              + security.containerField()
              + " nor "
              + security.podField()
              + " sets runAsNonRoot or runAsUser: the image's USER decides");
    }
    if (nonRoot.get().value()) {
      return List.of();
    }
    return List.of(
        nonRoot.get().field() + " is false and no runAsUser is set: the image's USER decides");
  }
}
