package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.api.Severity;
import dev.vigil.image.checks.Evidence;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Runs the workload-configuration checks VIG-WL-001..017 and the registry check VIG-REG-001 for one
 * container of a workload's pod spec, and turns their evidence into findings: one finding per
 * failed check, severity after the policy's overrides, evidence capped, sorted by id. Pod-level
 * settings (host namespaces, volumes, the pod securityContext) count for every container.
 */
public final class WorkloadChecks {

  private static final List<WorkloadCheck> CHECKS =
      List.of(
          new RunAsRootCheck(),
          new PrivilegedCheck(),
          new PrivilegeEscalationCheck(),
          new DropAllCapabilitiesCheck(),
          new DangerousCapabilitiesCheck(),
          new WritableRootFilesystemCheck(),
          new SeccompCheck(),
          HostNamespaceCheck.network(),
          HostNamespaceCheck.pid(),
          HostNamespaceCheck.ipc(),
          new HostPathCheck(),
          new RuntimeSocketCheck(),
          ProbeCheck.liveness(),
          ProbeCheck.readiness(),
          new MutableTagCheck(),
          new PullPolicyCheck(),
          new EnvSecretsCheck(),
          new AllowedRegistryCheck());

  /** Every check, VIG-WL ids in order, then VIG-REG ids. */
  List<WorkloadCheck> checks() {
    return CHECKS;
  }

  /**
   * Runs every check the settings do not exclude for one container.
   *
   * @param containerName the container's name in the pod spec list {@code type} names
   * @return findings sorted by id (then evidence), empty when the container passes everything
   * @throws IllegalArgumentException when the workload has no pod spec or no such container
   * @throws IllegalStateException when a check fails on unexpected data, naming the check
   */
  public List<Finding> run(
      Workload workload, String containerName, ContainerType type, WorkloadCheckSettings settings) {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(containerName, "containerName");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(settings, "settings");
    PodSpec pod = workload.podSpec();
    if (pod == null) {
      throw new IllegalArgumentException(describe(workload) + " has no pod spec");
    }
    CheckedContainer container = find(workload, pod, containerName, type);
    ContainerContext context =
        new ContainerContext(
            workload,
            pod,
            container,
            FieldPaths.of(workload.kind(), type, containerName),
            settings);
    List<Finding> findings = new ArrayList<>();
    for (WorkloadCheck check : CHECKS) {
      if (settings.excludedIds().contains(check.id())) {
        continue;
      }
      List<String> evidence;
      try {
        evidence = check.evaluate(context);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "workload check " + check.id() + " failed on " + describe(workload) + ": " + e, e);
      }
      if (evidence.isEmpty()) {
        continue;
      }
      Severity severity = settings.severityFor(check.id(), check.defaultSeverity());
      findings.add(
          new Finding(
              check.id(),
              check.category(),
              severity,
              check.title(),
              Evidence.capped(evidence),
              check.remediation()));
    }
    findings.sort(
        Comparator.comparing(Finding::getId)
            .thenComparing(f -> String.join("\n", f.getEvidence())));
    return findings;
  }

  private static CheckedContainer find(
      Workload workload, PodSpec pod, String name, ContainerType type) {
    switch (type) {
      case Container, InitContainer -> {
        List<Container> list =
            type == ContainerType.Container ? pod.getContainers() : pod.getInitContainers();
        if (list != null) {
          for (Container c : list) {
            if (c != null && name.equals(c.getName())) {
              return CheckedContainer.of(c, type);
            }
          }
        }
      }
      case EphemeralContainer -> {
        if (pod.getEphemeralContainers() != null) {
          for (EphemeralContainer c : pod.getEphemeralContainers()) {
            if (c != null && name.equals(c.getName())) {
              return CheckedContainer.of(c);
            }
          }
        }
      }
    }
    throw new IllegalArgumentException(
        describe(workload)
            + " has no container \""
            + name
            + "\" in "
            + FieldPaths.podSpecPath(workload.kind())
            + "."
            + FieldPaths.listName(type));
  }

  private static String describe(Workload workload) {
    if (workload.resource() == null || workload.resource().getMetadata() == null) {
      return workload.kind() + " without metadata";
    }
    return workload.kind() + " " + workload.namespace() + "/" + workload.name();
  }
}
