package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;

/**
 * VIG-WL-002. A privileged container gets every capability and every host device, without seccomp
 * or AppArmor confinement: as root it can mount the node's disks and load kernel modules.
 */
final class PrivilegedCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-002";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Workload;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Critical;
  }

  @Override
  public String title() {
    return "Privileged container";
  }

  @Override
  public String remediation() {
    return "Remove privileged: true; grant only the capabilities the process needs"
        + " (capabilities.add) or move the node-level task to a reviewed, dedicated DaemonSet.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    SecurityContext sc = context.container().securityContext();
    return sc != null && Boolean.TRUE.equals(sc.getPrivileged())
        ? List.of(context.paths().container("securityContext.privileged") + " is true")
        : List.of();
  }
}
