package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.api.WorkloadKind;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Optional;

/**
 * Workloads built with the fabric8 builders the way they come from the API server, and a short way
 * to run {@link WorkloadChecks} over one of their containers.
 */
final class TestWorkloads {

  static final String PINNED_IMAGE =
      "registry.example.com/shop/web:1.4@sha256:"
          + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private TestWorkloads() {}

  /** A container that passes every check: non-root, locked down, probed, pinned. */
  static ContainerBuilder hardened(String name) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(PINNED_IMAGE)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(10001L)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withNewPort(8080)
        .endHttpGet()
        .endLivenessProbe()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/ready")
        .withNewPort(8080)
        .endHttpGet()
        .endReadinessProbe();
  }

  /** A pod spec with these app containers and nothing else. */
  static PodSpecBuilder podSpec(Container... containers) {
    return new PodSpecBuilder().withContainers(containers);
  }

  static Workload deployment(PodSpec spec) {
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withSpec(spec)
            .endTemplate()
            .endSpec()
            .build();
    return new Workload(WorkloadKind.Deployment, d, d.getSpec().getTemplate().getSpec());
  }

  static Workload statefulSet(PodSpec spec) {
    StatefulSet s =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName("db")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withSpec(spec)
            .endTemplate()
            .endSpec()
            .build();
    return new Workload(WorkloadKind.StatefulSet, s, s.getSpec().getTemplate().getSpec());
  }

  static Workload daemonSet(PodSpec spec) {
    DaemonSet d =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName("agent")
            .withNamespace("kube-system")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withSpec(spec)
            .endTemplate()
            .endSpec()
            .build();
    return new Workload(WorkloadKind.DaemonSet, d, d.getSpec().getTemplate().getSpec());
  }

  static Workload job(PodSpec spec) {
    Job j =
        new JobBuilder()
            .withNewMetadata()
            .withName("migrate")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withSpec(spec)
            .endTemplate()
            .endSpec()
            .build();
    return new Workload(WorkloadKind.Job, j, j.getSpec().getTemplate().getSpec());
  }

  static Workload cronJob(PodSpec spec) {
    CronJob c =
        new CronJobBuilder()
            .withNewMetadata()
            .withName("report")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withSchedule("0 3 * * *")
            .withNewJobTemplate()
            .withNewSpec()
            .withNewTemplate()
            .withSpec(spec)
            .endTemplate()
            .endSpec()
            .endJobTemplate()
            .endSpec()
            .build();
    return new Workload(
        WorkloadKind.CronJob, c, c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec());
  }

  static Workload pod(PodSpec spec) {
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withName("debug")
            .withNamespace("shop")
            .endMetadata()
            .withSpec(spec)
            .build();
    return new Workload(WorkloadKind.Pod, p, p.getSpec());
  }

  /** Findings for an app container under default settings. */
  static List<Finding> run(Workload workload, String container) {
    return new WorkloadChecks()
        .run(workload, container, ContainerType.Container, WorkloadCheckSettings.defaults());
  }

  /** Evidence of the finding with this id for an app container, or [] when it did not fire. */
  static List<String> evidence(String id, Workload workload, String container) {
    return evidence(id, workload, container, ContainerType.Container);
  }

  static List<String> evidence(String id, Workload workload, String container, ContainerType type) {
    return evidence(id, workload, container, type, WorkloadCheckSettings.defaults());
  }

  static List<String> evidence(
      String id,
      Workload workload,
      String container,
      ContainerType type,
      WorkloadCheckSettings settings) {
    return finding(id, workload, container, type, settings)
        .map(Finding::getEvidence)
        .orElse(List.of());
  }

  static Optional<Finding> finding(
      String id,
      Workload workload,
      String container,
      ContainerType type,
      WorkloadCheckSettings settings) {
    return new WorkloadChecks()
        .run(workload, container, type, settings).stream()
            .filter(f -> f.getId().equals(id))
            .findFirst();
  }
}
