package dev.vigil.workload;

import dev.vigil.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Optional;

/**
 * A workload Vigil watches: its kind, identity and pod template.
 *
 * <p>Objects handed out by {@link WorkloadIndex} are the informer cache's own: read them, never
 * modify them.
 *
 * @param kind workload kind
 * @param resource the Kubernetes object itself
 * @param podSpec the pod template's spec (the pod's spec for bare Pods)
 */
public record Workload(WorkloadKind kind, HasMetadata resource, PodSpec podSpec) {

  public String namespace() {
    return resource.getMetadata().getNamespace();
  }

  public String name() {
    return resource.getMetadata().getName();
  }

  public String uid() {
    return resource.getMetadata().getUid();
  }

  /**
   * The workload an object is, if it is one: Deployments, StatefulSets, DaemonSets and CronJobs
   * always; Jobs and Pods only when no controller owns them (a CronJob's Jobs and a ReplicaSet's
   * Pods belong to their owner). Objects without a pod template are none.
   */
  public static Optional<Workload> of(HasMetadata resource) {
    PodSpec spec = null;
    WorkloadKind kind = null;
    if (resource instanceof Deployment d && d.getSpec() != null && d.getSpec().getTemplate() != null) {
      kind = WorkloadKind.Deployment;
      spec = d.getSpec().getTemplate().getSpec();
    } else if (resource instanceof StatefulSet s && s.getSpec() != null && s.getSpec().getTemplate() != null) {
      kind = WorkloadKind.StatefulSet;
      spec = s.getSpec().getTemplate().getSpec();
    } else if (resource instanceof DaemonSet s && s.getSpec() != null && s.getSpec().getTemplate() != null) {
      kind = WorkloadKind.DaemonSet;
      spec = s.getSpec().getTemplate().getSpec();
    } else if (resource instanceof CronJob c && c.getSpec() != null && c.getSpec().getJobTemplate() != null
        && c.getSpec().getJobTemplate().getSpec() != null
        && c.getSpec().getJobTemplate().getSpec().getTemplate() != null) {
      kind = WorkloadKind.CronJob;
      spec = c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    } else if (resource instanceof Job j && !ControllerRefs.hasController(j)
        && j.getSpec() != null && j.getSpec().getTemplate() != null) {
      kind = WorkloadKind.Job;
      spec = j.getSpec().getTemplate().getSpec();
    } else if (resource instanceof Pod p && !ControllerRefs.hasController(p)) {
      kind = WorkloadKind.Pod;
      spec = p.getSpec();
    }
    if (kind == null || spec == null) {
      return Optional.empty();
    }
    return Optional.of(new Workload(kind, resource, spec));
  }
}
