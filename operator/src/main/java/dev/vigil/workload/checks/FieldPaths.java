package dev.vigil.workload.checks;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.api.WorkloadKind;

/**
 * Where the pod spec and one container sit inside a workload object, written the way kubectl
 * explain and error messages do ("spec.template.spec.containers[web].securityContext"), with list
 * items named by their name rather than their index, so evidence stays true when the lists are
 * reordered.
 *
 * @param podSpec path of the pod spec, e.g. "spec.template.spec"
 * @param container path of the container, e.g. "spec.template.spec.initContainers[migrate]"
 */
record FieldPaths(String podSpec, String container) {

  static FieldPaths of(WorkloadKind kind, ContainerType type, String containerName) {
    String podSpec = podSpecPath(kind);
    return new FieldPaths(podSpec, podSpec + "." + listName(type) + "[" + containerName + "]");
  }

  static String podSpecPath(WorkloadKind kind) {
    return switch (kind) {
      case Deployment, StatefulSet, DaemonSet, Job -> "spec.template.spec";
      case CronJob -> "spec.jobTemplate.spec.template.spec";
      case Pod -> "spec";
    };
  }

  static String listName(ContainerType type) {
    return switch (type) {
      case Container -> "containers";
      case InitContainer -> "initContainers";
      case EphemeralContainer -> "ephemeralContainers";
    };
  }

  /** A field of the pod spec, e.g. pod("hostNetwork"). */
  String pod(String field) {
    return podSpec + "." + field;
  }

  /** A field of the container, e.g. container("securityContext.privileged"). */
  String container(String field) {
    return container + "." + field;
  }

  /** A volume of the pod spec, e.g. "spec.template.spec.volumes[logs]". */
  String volume(String name) {
    return podSpec + ".volumes[" + name + "]";
  }
}
