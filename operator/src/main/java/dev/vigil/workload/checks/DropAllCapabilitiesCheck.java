package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import java.util.List;

/**
 * VIG-WL-004. The runtimes' default set still holds capabilities most services never use (CHOWN,
 * DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW...); dropping ALL and adding back what is needed is
 * what the restricted Pod Security Standard asks for.
 */
final class DropAllCapabilitiesCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-004";
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
    return "Capabilities not dropped";
  }

  @Override
  public String remediation() {
    return "Set capabilities.drop: [ALL] in the container's securityContext and add back only"
        + " what the process needs (e.g. NET_BIND_SERVICE).";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    List<String> dropped = Capabilities.dropped(context.container().securityContext());
    String field = context.paths().container("securityContext.capabilities.drop");
    if (dropped.isEmpty()) {
      return List.of(field + " is not set");
    }
    if (dropped.contains("ALL")) {
      return List.of();
    }
    return List.of(
        field + " is " + dropped.stream().sorted().distinct().toList() + ", without ALL");
  }
}
