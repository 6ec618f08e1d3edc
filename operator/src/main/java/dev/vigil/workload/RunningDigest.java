package dev.vigil.workload;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.registry.ImageReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Decides which registry digest a workload container runs, from the container statuses of the
 * pods of its current revision.
 *
 * <p>Only pods whose own spec names the same image as the workload's template count (same
 * registry and repository; tags and digests compared where both carry one): a CronJob's last Job may
 * predate a template change, and admission webhooks may pin a digest onto the tag. When pods
 * disagree (mid-rollout, or a tag moved between node pulls) the digest most ready pods run
 * wins, then the one most pods run, then the smallest digest so the answer is stable. When no
 * pod reports a registry digest the answer is null: the scanner then resolves the tag itself.
 */
final class RunningDigest {

  private record Tally(int ready, int pods) {}

  private static final Comparator<Map.Entry<String, Tally>> MOST_RUN =
      Comparator.<Map.Entry<String, Tally>>comparingInt(e -> e.getValue().ready())
          .thenComparingInt(e -> e.getValue().pods())
          .reversed()
          .thenComparing(Map.Entry::getKey);

  private RunningDigest() {}

  static String of(List<Pod> pods, ContainerType type, String container, String templateImage) {
    Map<String, Tally> tallies = new TreeMap<>();
    for (Pod pod : pods) {
      PodContainers.SpecContainer inPod = PodContainers.find(pod, type, container);
      if (inPod == null || !sameImage(templateImage, inPod.image())) {
        continue;
      }
      String digest = PodContainers.runningDigest(pod, type, container);
      if (digest == null) {
        continue;
      }
      boolean ready = PodContainers.isReady(pod);
      tallies.merge(digest, new Tally(ready ? 1 : 0, 1),
          (a, b) -> new Tally(a.ready() + b.ready(), a.pods() + b.pods()));
    }
    return tallies.entrySet().stream().min(MOST_RUN).map(Map.Entry::getKey).orElse(null);
  }

  /**
   * Same registry and repository; tags and digests must agree where both sides name one (a
   * webhook that pins "app:1.0" to "app:1.0@sha256:..." or to "app@sha256:..." keeps the image).
   */
  static boolean sameImage(String template, String inPod) {
    if (Objects.equals(template, inPod)) {
      return true;
    }
    if (template == null || inPod == null) {
      return false;
    }
    ImageReference a;
    ImageReference b;
    try {
      a = ImageReference.parse(template);
      b = ImageReference.parse(inPod);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return a.registry().equals(b.registry())
        && a.repository().equals(b.repository())
        && agree(a.tag(), b.tag())
        && agree(a.digest(), b.digest());
  }

  private static boolean agree(String a, String b) {
    return a == null || b == null || a.equals(b);
  }
}
