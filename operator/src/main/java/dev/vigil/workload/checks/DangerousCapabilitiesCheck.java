package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import java.util.List;
import java.util.Set;

/**
 * VIG-WL-005. Capabilities that reach beyond the container: kernel modules, mounts, raw devices and
 * memory, other processes, the host's network, clock, MAC policy and kernel log. NET_RAW is in
 * Docker's default set but is listed because adding it on purpose is worth a look: it allows packet
 * spoofing and has carried kernel exploits.
 */
final class DangerousCapabilitiesCheck implements WorkloadCheck {

  static final Set<String> DANGEROUS =
      Set.of(
          "ALL",
          "BPF",
          "DAC_READ_SEARCH",
          "MAC_ADMIN",
          "MAC_OVERRIDE",
          "NET_ADMIN",
          "NET_RAW",
          "PERFMON",
          "SYS_ADMIN",
          "SYS_BOOT",
          "SYS_MODULE",
          "SYS_PTRACE",
          "SYS_RAWIO",
          "SYS_TIME",
          "SYSLOG");

  @Override
  public String id() {
    return "VIG-WL-005";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Workload;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.High;
  }

  @Override
  public String title() {
    return "Dangerous capabilities added";
  }

  @Override
  public String remediation() {
    return "Remove the capabilities from capabilities.add; if the workload really needs one,"
        + " isolate it in its own reviewed workload and exclude this check there.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    String field = context.paths().container("securityContext.capabilities.add");
    return Capabilities.added(context.container().securityContext()).stream()
        .filter(DANGEROUS::contains)
        .distinct()
        .sorted()
        .map(cap -> field + " contains " + cap)
        .toList();
  }
}
