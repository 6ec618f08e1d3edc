package dev.vigil.workload.checks;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/**
 * The fields of one container that the checks read. Containers, init containers and ephemeral
 * containers are different classes in the Kubernetes model with the same fields; this record lets
 * every check read all three alike.
 *
 * @param restartPolicy the container's own restartPolicy; "Always" on an init container makes it a
 *     sidecar that runs as long as the pod
 */
record CheckedContainer(
    String name,
    ContainerType type,
    String image,
    String imagePullPolicy,
    SecurityContext securityContext,
    List<EnvVar> env,
    List<VolumeMount> volumeMounts,
    Probe livenessProbe,
    Probe readinessProbe,
    String restartPolicy) {

  CheckedContainer {
    env = env == null ? List.of() : env;
    volumeMounts = volumeMounts == null ? List.of() : volumeMounts;
  }

  static CheckedContainer of(Container c, ContainerType type) {
    return new CheckedContainer(
        c.getName(),
        type,
        c.getImage(),
        c.getImagePullPolicy(),
        c.getSecurityContext(),
        c.getEnv(),
        c.getVolumeMounts(),
        c.getLivenessProbe(),
        c.getReadinessProbe(),
        c.getRestartPolicy());
  }

  static CheckedContainer of(EphemeralContainer c) {
    return new CheckedContainer(
        c.getName(),
        ContainerType.EphemeralContainer,
        c.getImage(),
        c.getImagePullPolicy(),
        c.getSecurityContext(),
        c.getEnv(),
        c.getVolumeMounts(),
        c.getLivenessProbe(),
        c.getReadinessProbe(),
        c.getRestartPolicy());
  }

  /** An init container with restartPolicy Always: a sidecar that runs beside the app. */
  boolean isSidecar() {
    return type == ContainerType.InitContainer && "Always".equals(restartPolicy);
  }
}
