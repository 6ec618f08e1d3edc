package dev.vigil.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelet of a node that does not exist: kube-controller-manager creates the pods of
 * Deployments but nothing schedules or runs them, so this writes their status the way a kubelet
 * would, through the API server's status subresource. A container's image is "pulled" with
 * {@code IfNotPresent} semantics: a reference pinned to a digest runs that digest; a tag runs
 * whatever the node was told it has for that tag ({@link #pulled}), like a node that cached the
 * image before the tag moved. The digest lands in {@code containerStatuses[].imageID} as
 * containerd reports it ({@code repo@sha256:...}).
 *
 * <p>Per digest the test decides how its containers do: ready (default), crashing ({@link
 * #crash}: Running but never Ready, CrashLoopBackOff) or held while "pulling" ({@link #hold}).
 */
final class FakeKubelet implements AutoCloseable {

  private final KubernetesClient admin;
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final Map<String, String> nodeImages = new ConcurrentHashMap<>();
  private final Set<String> crashing = ConcurrentHashMap.newKeySet();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fake-kubelet");
    t.setDaemon(true);
    return t;
  });

  FakeKubelet(KubernetesClient admin) {
    this.admin = admin;
    loop.scheduleWithFixedDelay(this::tick, 0, 500, TimeUnit.MILLISECONDS);
  }

  /** Runs the pods of this namespace from now on. */
  void manage(String namespace) {
    namespaces.add(namespace);
  }

  /** The node has this tagged image as this digest (pulled before; IfNotPresent keeps it). */
  void pulled(String taggedImage, String digest) {
    nodeImages.put(taggedImage, digest);
  }

  /** Containers of this digest start and crash, over and over: never Ready. */
  void crash(String digest) {
    crashing.add(digest);
  }

  /** Containers of this digest stay in ContainerCreating (image pull) until released. */
  void hold(String digest) {
    held.add(digest);
  }

  void release(String digest) {
    held.remove(digest);
  }

  private void tick() {
    for (String namespace : namespaces) {
      try {
        for (Pod pod : admin.pods().inNamespace(namespace).list().getItems()) {
          if (pod.getMetadata().getDeletionTimestamp() == null) {
            run(pod);
          }
        }
      } catch (RuntimeException e) {
        // The next tick tries again (a conflict with a controller's write, a deleted pod).
      }
    }
  }

  private void run(Pod pod) {
    PodStatus wanted = statusFor(pod);
    if (wanted == null || sameState(pod.getStatus(), wanted)) {
      return;
    }
    try {
      admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .editStatus(p -> {
            p.setStatus(wanted);
            return p;
          });
    } catch (KubernetesClientException e) {
      // Retried on the next tick.
    }
  }

  /** The status a kubelet would report now, or null for a pod whose image the node lacks. */
  private PodStatus statusFor(Pod pod) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<ContainerStatus> statuses = new ArrayList<>();
    boolean allReady = true;
    boolean pulling = false;
    for (Container c : pod.getSpec().getContainers()) {
      String digest = digestOf(c.getImage());
      if (digest == null) {
        return null;
      }
      ContainerStatusBuilder status = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
          .withRestartCount(0);
      if (held.contains(digest)) {
        pulling = true;
        allReady = false;
        status.withReady(false).withStarted(false).withImageID("")
            .withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState();
      } else if (crashing.contains(digest)) {
        allReady = false;
        status.withReady(false).withStarted(false).withImageID(imageId(c.getImage(), digest)).withRestartCount(3)
            .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
            .withMessage("back-off 40s restarting failed container").endWaiting().endState()
            .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated()
            .endLastState();
      } else {
        status.withReady(true).withStarted(true).withImageID(imageId(c.getImage(), digest))
            .withNewState().withNewRunning().withStartedAt(now).endRunning().endState();
      }
      statuses.add(status.build());
    }
    String ready = allReady ? "True" : "False";
    PodStatus previous = pod.getStatus();
    String started = previous != null && previous.getStartTime() != null ? previous.getStartTime() : now;
    return new PodStatusBuilder()
        .withPhase(pulling ? "Pending" : "Running")
        .withStartTime(started)
        .withHostIP("10.0.0.1")
        .withPodIP("10.1.0." + (Math.abs(pod.getMetadata().getName().hashCode()) % 250 + 2))
        .withConditions(condition("PodScheduled", "True", now), condition("Initialized", "True", now),
            condition("ContainersReady", ready, now), condition("Ready", ready, now))
        .withContainerStatuses(statuses)
        .build();
  }

  private static PodCondition condition(String type, String status, String now) {
    return new PodConditionBuilder().withType(type).withStatus(status).withLastTransitionTime(now).build();
  }

  /** Whether the pod already shows this (phase, readiness, image ids): no rewrite, no churn. */
  private static boolean sameState(PodStatus current, PodStatus wanted) {
    if (current == null || !Objects.equals(current.getPhase(), wanted.getPhase())
        || current.getContainerStatuses().size() != wanted.getContainerStatuses().size()) {
      return false;
    }
    for (int i = 0; i < wanted.getContainerStatuses().size(); i++) {
      ContainerStatus a = current.getContainerStatuses().get(i);
      ContainerStatus b = wanted.getContainerStatuses().get(i);
      if (!Objects.equals(a.getReady(), b.getReady()) || !Objects.equals(a.getImageID(), b.getImageID())
          || !Objects.equals(a.getName(), b.getName())) {
        return false;
      }
    }
    return true;
  }

  private String digestOf(String image) {
    int at = image.indexOf('@');
    return at >= 0 ? image.substring(at + 1) : nodeImages.get(image);
  }

  /** containerd's imageID: the repository (no tag) @ the digest. */
  static String imageId(String image, String digest) {
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon > slash) {
      name = name.substring(0, colon);
    }
    return name + "@" + digest;
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
