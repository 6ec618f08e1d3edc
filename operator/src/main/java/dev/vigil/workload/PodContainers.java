package dev.vigil.workload;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The containers of a pod spec across its three lists, and their statuses in a pod. */
final class PodContainers {

  /** One container of a pod spec, whichever list it is in. */
  record SpecContainer(ContainerType type, String name, String image, String imagePullPolicy) {}

  private PodContainers() {}

  /** Containers, then init containers, then ephemeral containers, each in spec order. */
  static List<SpecContainer> of(PodSpec spec) {
    List<SpecContainer> out = new ArrayList<>();
    if (spec == null) {
      return out;
    }
    for (Container c : nonNull(spec.getContainers())) {
      out.add(new SpecContainer(ContainerType.Container, c.getName(), c.getImage(), c.getImagePullPolicy()));
    }
    for (Container c : nonNull(spec.getInitContainers())) {
      out.add(new SpecContainer(ContainerType.InitContainer, c.getName(), c.getImage(), c.getImagePullPolicy()));
    }
    for (EphemeralContainer c : nonNull(spec.getEphemeralContainers())) {
      out.add(new SpecContainer(
          ContainerType.EphemeralContainer, c.getName(), c.getImage(), c.getImagePullPolicy()));
    }
    return out;
  }

  /** The spec container of this type and name in a pod, or null. */
  static SpecContainer find(Pod pod, ContainerType type, String name) {
    for (SpecContainer c : of(pod.getSpec())) {
      if (c.type() == type && Objects.equals(name, c.name())) {
        return c;
      }
    }
    return null;
  }

  /** The status list the kubelet reports for containers of this type. */
  static List<ContainerStatus> statuses(Pod pod, ContainerType type) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return List.of();
    }
    return nonNull(switch (type) {
      case Container -> status.getContainerStatuses();
      case InitContainer -> status.getInitContainerStatuses();
      case EphemeralContainer -> status.getEphemeralContainerStatuses();
    });
  }

  /** The registry digest the named container of a pod runs, or null when unknown. */
  static String runningDigest(Pod pod, ContainerType type, String name) {
    for (ContainerStatus s : statuses(pod, type)) {
      if (s != null && Objects.equals(name, s.getName())) {
        return ImageIds.registryDigest(s.getImageID());
      }
    }
    return null;
  }

  /** True when the pod's Ready condition is True. */
  static boolean isReady(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null || status.getConditions() == null) {
      return false;
    }
    return status.getConditions().stream()
        .anyMatch(c -> c != null && "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static <T> List<T> nonNull(List<T> list) {
    if (list == null) {
      return List.of();
    }
    List<T> out = new ArrayList<>(list.size());
    for (T item : list) {
      if (item != null) {
        out.add(item);
      }
    }
    return out;
  }
}
