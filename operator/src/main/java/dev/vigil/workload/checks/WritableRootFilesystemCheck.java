package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;

/**
 * VIG-WL-006. A writable root filesystem lets an intruder replace binaries and configuration and
 * drop tools that survive until the container restarts.
 */
final class WritableRootFilesystemCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-006";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Workload;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "Root filesystem is writable";
  }

  @Override
  public String remediation() {
    return "Set readOnlyRootFilesystem: true in the container's securityContext and mount an"
        + " emptyDir where the application must write (e.g. /tmp).";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    SecurityContext sc = context.container().securityContext();
    Boolean readOnly = sc == null ? null : sc.getReadOnlyRootFilesystem();
    String field = context.paths().container("securityContext.readOnlyRootFilesystem");
    if (readOnly == null) {
      return List.of(field + " is not set");
    }
    return readOnly ? List.of() : List.of(field + " is false");
  }
}
