package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;

/**
 * VIG-WL-003. Unless allowPrivilegeEscalation is false, the kernel's no_new_privs flag stays off
 * and a setuid binary or file capability in the image lifts a process above its starting rights.
 * Kubernetes defaults it to true.
 */
final class PrivilegeEscalationCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-003";
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
    return "Privilege escalation not disabled";
  }

  @Override
  public String remediation() {
    return "Set allowPrivilegeEscalation: false in the container's securityContext.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    SecurityContext sc = context.container().securityContext();
    Boolean allow = sc == null ? null : sc.getAllowPrivilegeEscalation();
    String field = context.paths().container("securityContext.allowPrivilegeEscalation");
    if (allow == null) {
      return List.of(field + " is not set (defaults to true)");
    }
    return allow ? List.of(field + " is true") : List.of();
  }
}
