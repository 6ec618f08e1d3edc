package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods that run a workload's current revision, i.e. its pod template as it is now, read the
 * way each controller marks its pods:
 *
 * <ul>
 *   <li>Deployment: the ReplicaSet it controls with the highest {@code
 *       deployment.kubernetes.io/revision} annotation (the deployment controller gives the
 *       ReplicaSet of the current template the next revision number, also on rollback), and
 *       that ReplicaSet's pods.
 *   <li>StatefulSet: its pods whose {@code controller-revision-hash} label equals {@code
 *       status.updateRevision} (the label holds the ControllerRevision's name, as the status
 *       does). Before the controller has written a status there is no current pod.
 *   <li>DaemonSet: its pods whose {@code pod-template-generation} label equals the DaemonSet's
 *       {@code deprecated.daemonset.template.generation} annotation. The API server raises that
 *       number on every template change and the controller stamps it on each pod it creates.
 *       (The controller itself also accepts pods whose revision hash matches; when a template
 *       is reverted to an earlier one, pods of that earlier generation are kept but not counted
 *       here, so the digest stays unknown until new pods exist. Reading ControllerRevisions
 *       would close that gap at the cost of another cluster-wide informer.)
 *   <li>CronJob: the pods of its most recently created Job.
 *   <li>Job: its pods. Pod: itself.
 * </ul>
 */
final class CurrentRevisionPods {

  static final String DEPLOYMENT_REVISION = "deployment.kubernetes.io/revision";
  static final String CONTROLLER_REVISION_HASH = "controller-revision-hash";
  static final String DAEMONSET_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";
  static final String POD_TEMPLATE_GENERATION = "pod-template-generation";

  private final ClusterCaches caches;

  CurrentRevisionPods(ClusterCaches caches) {
    this.caches = caches;
  }

  List<Pod> of(Workload workload) {
    HasMetadata resource = workload.resource();
    return switch (workload.kind()) {
      case Deployment -> newestReplicaSet(workload.uid())
          .map(rs -> caches.podsControlledBy("ReplicaSet", rs))
          .orElse(List.of());
      case StatefulSet -> statefulSetPods((StatefulSet) resource);
      case DaemonSet -> daemonSetPods((DaemonSet) resource);
      case CronJob -> newestJob(workload.uid())
          .map(job -> caches.podsControlledBy("Job", job))
          .orElse(List.of());
      case Job -> caches.podsControlledBy("Job", resource);
      case Pod -> caches.podsOf(workload);
    };
  }

  private Optional<ReplicaSet> newestReplicaSet(String deploymentUid) {
    if (deploymentUid == null) {
      return Optional.empty();
    }
    return caches.replicaSetsOf(deploymentUid).stream()
        .filter(rs -> revision(rs) >= 0)
        .max(Comparator.comparingLong(CurrentRevisionPods::revision)
            .thenComparing(CurrentRevisionPods::created)
            .thenComparing(rs -> rs.getMetadata().getName()));
  }

  /** The ReplicaSet's revision annotation, or -1 when absent or not a number. */
  private static long revision(ReplicaSet replicaSet) {
    Map<String, String> annotations = replicaSet.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(DEPLOYMENT_REVISION);
    if (text == null) {
      return -1;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private List<Pod> statefulSetPods(StatefulSet statefulSet) {
    String updateRevision = statefulSet.getStatus() == null ? null : statefulSet.getStatus().getUpdateRevision();
    if (updateRevision == null || updateRevision.isEmpty()) {
      return List.of();
    }
    return caches.podsControlledBy("StatefulSet", statefulSet).stream()
        .filter(p -> updateRevision.equals(label(p, CONTROLLER_REVISION_HASH)))
        .toList();
  }

  private List<Pod> daemonSetPods(DaemonSet daemonSet) {
    Map<String, String> annotations = daemonSet.getMetadata().getAnnotations();
    String generation = annotations == null ? null : annotations.get(DAEMONSET_TEMPLATE_GENERATION);
    if (generation == null || generation.isEmpty()) {
      return List.of();
    }
    return caches.podsControlledBy("DaemonSet", daemonSet).stream()
        .filter(p -> generation.equals(label(p, POD_TEMPLATE_GENERATION)))
        .toList();
  }

  private Optional<Job> newestJob(String cronJobUid) {
    if (cronJobUid == null) {
      return Optional.empty();
    }
    return caches.jobsOf(cronJobUid).stream()
        .max(Comparator.comparing(CurrentRevisionPods::created)
            .thenComparing(job -> job.getMetadata().getName()));
  }

  private static Instant created(HasMetadata resource) {
    String timestamp = resource.getMetadata().getCreationTimestamp();
    if (timestamp == null) {
      return Instant.MIN;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return Instant.MIN;
    }
  }

  private static String label(Pod pod, String key) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
