package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.List;
import java.util.function.Function;

/**
 * VIG-WL-013 (liveness) and VIG-WL-014 (readiness): a long-running container without the probe.
 * Without liveness a hung process keeps its pod forever; without readiness traffic and rolling
 * updates go to a container that is not serving yet. Both only make sense for containers that are
 * meant to keep running, so they are not asked of:
 *
 * <ul>
 *   <li>Jobs and CronJobs, and bare Pods whose restartPolicy is not Always: they run to completion,
 *       serve no traffic, and activeDeadlineSeconds bounds a hung run;
 *   <li>init containers, which must finish before the app starts (the API forbids their probes),
 *       except sidecars (restartPolicy: Always), which run beside the app;
 *   <li>ephemeral containers, for which the API forbids probes.
 * </ul>
 */
final class ProbeCheck implements WorkloadCheck {

  static ProbeCheck liveness() {
    return new ProbeCheck(
        "VIG-WL-013",
        "livenessProbe",
        CheckedContainer::livenessProbe,
        "No liveness probe",
        "Add a livenessProbe (httpGet, grpc, tcpSocket or exec) that fails only when the process"
            + " cannot recover by itself, with a generous failureThreshold.");
  }

  static ProbeCheck readiness() {
    return new ProbeCheck(
        "VIG-WL-014",
        "readinessProbe",
        CheckedContainer::readinessProbe,
        "No readiness probe",
        "Add a readinessProbe that succeeds only when the container can serve requests.");
  }

  private final String id;
  private final String field;
  private final Function<CheckedContainer, Probe> probe;
  private final String title;
  private final String remediation;

  private ProbeCheck(
      String id,
      String field,
      Function<CheckedContainer, Probe> probe,
      String title,
      String remediation) {
    this.id = id;
    this.field = field;
    this.probe = probe;
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
    return Severity.Low;
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
    if (!keepsRunning(context) || probe.apply(context.container()) != null) {
      return List.of();
    }
    return List.of(context.paths().container(field) + " is not set");
  }

  /** True for a container meant to run as long as its workload: see the class comment. */
  static boolean keepsRunning(ContainerContext context) {
    WorkloadKind kind = context.workload().kind();
    if (kind == WorkloadKind.Job || kind == WorkloadKind.CronJob) {
      return false;
    }
    String podRestart = context.pod().getRestartPolicy();
    if (kind == WorkloadKind.Pod && podRestart != null && !podRestart.equals("Always")) {
      return false;
    }
    return switch (context.container().type()) {
      case Container -> true;
      case InitContainer -> context.container().isSidecar();
      case EphemeralContainer -> false;
    };
  }
}
