package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays the kubelet on an API server that has none: reports a pod's containers as started (or
 * finished) through the pod's status subresource, the only way a real API server takes pod
 * status (whatever status a pod is created with is replaced by {@code Pending}).
 *
 * <p>Image ids are given per container name ({@code repo@sha256:...} as containerd writes it,
 * or any other shape a runtime writes); a container without one has not pulled its image yet.
 */
public final class Kubelet {

  private Kubelet() {}

  /** Phase Running: containers running, init containers completed, Ready as given. */
  public static Pod run(KubernetesClient client, Pod pod, Map<String, String> imageIds, boolean ready) {
    return report(client, pod, "Running", imageIds, ready);
  }

  /** Phase Succeeded: every container ran to completion (a Job's pod); not Ready. */
  public static Pod complete(KubernetesClient client, Pod pod, Map<String, String> imageIds) {
    return report(client, pod, "Succeeded", imageIds, false);
  }

  /** Runs every pod of the list, each container with the image id the function gives for it. */
  public static void runAll(KubernetesClient client, List<Pod> pods,
      java.util.function.Function<Container, String> imageIdOf, boolean ready) {
    for (Pod pod : pods) {
      Map<String, String> ids = new java.util.HashMap<>();
      for (Container c : containers(pod)) {
        String id = imageIdOf.apply(c);
        if (id != null) {
          ids.put(c.getName(), id);
        }
      }
      run(client, pod, ids, ready);
    }
  }

  private static List<Container> containers(Pod pod) {
    List<Container> out = new ArrayList<>(pod.getSpec().getContainers());
    out.addAll(pod.getSpec().getInitContainers());
    return out;
  }

  private static Pod report(KubernetesClient client, Pod pod, String phase, Map<String, String> imageIds,
      boolean ready) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    boolean finished = "Succeeded".equals(phase);
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      containers.add(status(c.getName(), c.getImage(), imageIds.get(c.getName()), ready, finished, now));
    }
    List<ContainerStatus> inits = new ArrayList<>();
    for (Container c : pod.getSpec().getInitContainers()) {
      inits.add(status(c.getName(), c.getImage(), imageIds.get(c.getName()), true, true, now));
    }
    List<ContainerStatus> ephemeral = new ArrayList<>();
    for (EphemeralContainer c : pod.getSpec().getEphemeralContainers()) {
      ephemeral.add(status(c.getName(), c.getImage(), imageIds.get(c.getName()), false, finished, now));
    }
    String readyText = ready ? "True" : "False";
    PodStatus status = new PodStatusBuilder()
        .withPhase(phase)
        .withStartTime(now)
        .withConditions(condition("Initialized", "True", now), condition("Ready", readyText, now),
            condition("ContainersReady", readyText, now), condition("PodScheduled", "True", now))
        .withContainerStatuses(containers)
        .withInitContainerStatuses(inits)
        .withEphemeralContainerStatuses(ephemeral)
        .withQosClass(pod.getStatus() == null ? null : pod.getStatus().getQosClass())
        .build();
    return client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .editStatus(p -> {
          p.setStatus(status);
          return p;
        });
  }

  private static PodCondition condition(String type, String status, String now) {
    return new PodConditionBuilder().withType(type).withStatus(status).withLastTransitionTime(now).build();
  }

  private static ContainerStatus status(String name, String image, String imageId, boolean ready,
      boolean finished, String now) {
    ContainerStatusBuilder b = new ContainerStatusBuilder()
        .withName(name).withImage(image).withImageID(imageId == null ? "" : imageId)
        .withRestartCount(0).withReady(ready);
    if (imageId == null) {
      return b.withStarted(false).withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting()
          .endState().build();
    }
    if (finished) {
      return b.withStarted(false).withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
          .withStartedAt(now).withFinishedAt(now).endTerminated().endState().build();
    }
    return b.withStarted(true).withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build();
  }
}
