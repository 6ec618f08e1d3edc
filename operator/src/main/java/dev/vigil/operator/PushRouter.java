package dev.vigil.operator;

import dev.vigil.registry.ImageReference;
import dev.vigil.registry.RegistryHosts;
import dev.vigil.webhook.PushEvent;
import dev.vigil.webhook.PushListener;
import dev.vigil.workload.ContainerImage;
import dev.vigil.workload.Workload;
import dev.vigil.workload.WorkloadIndex;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a registry push into update steps: every workload container whose image names the pushed
 * repository (registry and repository normalised, Docker Hub under any of its names) runs its
 * update step at once. A push of the container's own tag is a rebuild; a push of another tag may
 * be a newer version for a SemVer strategy, so it runs the step too. Pushes that name only a
 * digest (the platform manifests of an index) move no tag and are ignored. Only the leader acts.
 */
final class PushRouter implements PushListener {

  private static final Logger LOG = LoggerFactory.getLogger(PushRouter.class);

  private final WorkloadIndex workloads;
  private final UpdateStep step;
  private volatile boolean active;

  PushRouter(WorkloadIndex workloads, UpdateStep step) {
    this.workloads = workloads;
    this.step = step;
  }

  void activate() {
    active = true;
  }

  void deactivate() {
    active = false;
  }

  @Override
  public boolean accepting() {
    return active;
  }

  @Override
  public void onPush(PushEvent event) {
    if (!active || event.tag() == null) {
      return;
    }
    int matched = 0;
    for (Workload workload : workloads.workloads(workloads.namespaces(null), null)) {
      for (ContainerImage image : workloads.images(workload)) {
        if (names(image.reference(), event)) {
          matched++;
          step.run(workload, image.container());
        }
      }
    }
    LOG.debug("push {} matched {} container(s)", event, matched);
  }

  /** True when the pod spec's image is in the pushed repository. */
  static boolean names(String podImage, PushEvent event) {
    ImageReference reference;
    try {
      reference = ImageReference.parse(podImage);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return registry(reference.registry()).equals(registry(event.registry()))
        && reference.repository().equals(event.repository());
  }

  private static String registry(String name) {
    return RegistryHosts.isDockerHub(name) ? RegistryHosts.DOCKER_HUB : name.toLowerCase(Locale.ROOT);
  }
}
