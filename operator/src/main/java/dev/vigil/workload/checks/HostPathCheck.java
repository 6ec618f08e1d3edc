package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import java.util.List;

/**
 * VIG-WL-011. A hostPath mount shows the container part of the node's filesystem: logs and secrets
 * of other pods, kubelet credentials, or (read-write) a way to plant files the node executes.
 * Read-only mounts are reported too: reading the node is already too much for most workloads.
 * Runtime sockets are additionally reported by VIG-WL-012.
 */
final class HostPathCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-011";
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
    return "Host path mounted";
  }

  @Override
  public String remediation() {
    return "Replace the hostPath volume with an emptyDir, a ConfigMap/Secret or a"
        + " PersistentVolumeClaim; if node access is the point, mount the narrowest path"
        + " read-only in a reviewed node agent.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    return HostPathMount.of(context).stream()
        .map(m -> m.describe(context.paths()))
        .sorted()
        .toList();
  }
}
