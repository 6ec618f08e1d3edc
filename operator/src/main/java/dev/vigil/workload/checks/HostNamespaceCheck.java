package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.function.Function;

/**
 * VIG-WL-008, 009, 010: the pod shares one of the node's namespaces, which counts for every
 * container in it. One id per namespace, because each has its own legitimate users: CNI and
 * monitoring agents need hostNetwork, hardly anything needs hostIPC, and a policy excludes exactly
 * the one it accepts.
 */
final class HostNamespaceCheck implements WorkloadCheck {

  static HostNamespaceCheck network() {
    return new HostNamespaceCheck(
        "VIG-WL-008",
        "hostNetwork",
        PodSpec::getHostNetwork,
        "Pod uses the host network namespace",
        "Remove hostNetwork: true; expose the service through a Service or a hostPort on a"
            + " pod-network pod, and keep host networking for reviewed node agents only.");
  }

  static HostNamespaceCheck pid() {
    return new HostNamespaceCheck(
        "VIG-WL-009",
        "hostPID",
        PodSpec::getHostPID,
        "Pod uses the host PID namespace",
        "Remove hostPID: true; to debug processes use kubectl debug on the node, and keep host PID"
            + " access for reviewed node agents only.");
  }

  static HostNamespaceCheck ipc() {
    return new HostNamespaceCheck(
        "VIG-WL-010",
        "hostIPC",
        PodSpec::getHostIPC,
        "Pod uses the host IPC namespace",
        "Remove hostIPC: true; share memory between containers of the pod with an emptyDir"
            + " (medium: Memory) instead.");
  }

  private final String id;
  private final String field;
  private final Function<PodSpec, Boolean> value;
  private final String title;
  private final String remediation;

  private HostNamespaceCheck(
      String id, String field, Function<PodSpec, Boolean> value, String title, String remediation) {
    this.id = id;
    this.field = field;
    this.value = value;
    this.title = title;
    this.remediation = remediation;
  }

  @Override
  public String id() {
    return id;
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
    return title;
  }

  @Override
  public String remediation() {
    return remediation;
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    return Boolean.TRUE.equals(value.apply(context.pod()))
        ? List.of(context.paths().pod(field) + " is true")
        : List.of();
  }
}
