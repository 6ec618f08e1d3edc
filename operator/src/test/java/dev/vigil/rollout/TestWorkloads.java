package dev.vigil.rollout;

import dev.vigil.api.WorkloadKind;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Workloads of each kind on a real API server, in one namespace, created as cluster admin (set-up
 * only): a "proxy" sidecar first and the "web" container second (so that JSON pointers use a
 * non-zero index), a "migrate" init container, 3 replicas where that applies.
 */
final class TestWorkloads {

  private final KubernetesClient client;
  private final String namespace;
  private int replicas = 3;

  TestWorkloads(KubernetesClient admin, String namespace) {
    this.client = admin;
    this.namespace = namespace;
  }

  String namespace() {
    return namespace;
  }

  /** Deployments and StatefulSets built from now on get this many replicas (3 unless set). */
  TestWorkloads replicas(int count) {
    this.replicas = count;
    return this;
  }

  /**
   * Creates a workload and returns it as read back.
   *
   * @param templateAnnotations pod-template annotations; null sends a CronJob's template without
   *     metadata at all
   */
  Workload create(
      WorkloadKind kind,
      String name,
      String image,
      String pullPolicy,
      Map<String, String> templateAnnotations,
      Map<String, String> annotations) {
    client.resource(build(kind, name, image, pullPolicy, templateAnnotations, annotations)).create();
    return read(kind, name);
  }

  /** Applies the workload server-side as {@code fieldManager} would (a GitOps tool), forcing conflicts. */
  Workload apply(WorkloadKind kind, String name, String image, String fieldManager) {
    client.resource(build(kind, name, image, "IfNotPresent", Map.of("team", "shop"), null))
        .fieldManager(fieldManager).forceConflicts().serverSideApply();
    return read(kind, name);
  }

  /** The workload as sent to the API server. */
  HasMetadata build(
      WorkloadKind kind,
      String name,
      String image,
      String pullPolicy,
      Map<String, String> templateAnnotations,
      Map<String, String> annotations) {
    ObjectMeta meta =
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withAnnotations(annotations)
            .build();
    LabelSelector selector = new LabelSelectorBuilder().addToMatchLabels("app", name).build();
    PodSpec pod =
        new PodSpecBuilder()
            .withContainers(
                new ContainerBuilder()
                    .withName("proxy")
                    .withImage("envoyproxy/envoy:v1.31.0")
                    .build(),
                new ContainerBuilder()
                    .withName("web")
                    .withImage(image)
                    .withImagePullPolicy(pullPolicy)
                    .build())
            .withInitContainers(
                new ContainerBuilder()
                    .withName("migrate")
                    .withImage(image)
                    .withImagePullPolicy(pullPolicy)
                    .build())
            // A Job's pods must not restart forever; the other kinds' must.
            .withRestartPolicy(kind == WorkloadKind.CronJob ? "OnFailure" : "Always")
            .build();
    ObjectMeta templateMeta =
        templateAnnotations == null && kind == WorkloadKind.CronJob
            ? null
            : new ObjectMetaBuilder()
                .addToLabels("app", name)
                .withAnnotations(templateAnnotations)
                .build();
    PodTemplateSpec template = new PodTemplateSpec(templateMeta, pod);
    return switch (kind) {
          case Deployment ->
              new DeploymentBuilder()
                  .withMetadata(meta)
                  .withNewSpec()
                  .withReplicas(replicas)
                  .withSelector(selector)
                  .withTemplate(template)
                  .endSpec()
                  .build();
          case StatefulSet ->
              new StatefulSetBuilder()
                  .withMetadata(meta)
                  .withNewSpec()
                  .withReplicas(replicas)
                  .withServiceName(name)
                  .withSelector(selector)
                  .withTemplate(template)
                  .endSpec()
                  .build();
          case DaemonSet ->
              new DaemonSetBuilder()
                  .withMetadata(meta)
                  .withNewSpec()
                  .withSelector(selector)
                  .withTemplate(template)
                  .endSpec()
                  .build();
          case CronJob ->
              new CronJobBuilder()
                  .withMetadata(meta)
                  .withNewSpec()
                  .withSchedule("*/5 * * * *")
                  .withNewJobTemplate()
                  .withNewSpec()
                  .withTemplate(template)
                  .endSpec()
                  .endJobTemplate()
                  .endSpec()
                  .build();
          case Job, Pod -> throw new IllegalArgumentException(kind.toString());
        };
  }

  Workload create(WorkloadKind kind, String name, String image, String pullPolicy) {
    return create(kind, name, image, pullPolicy, Map.of("team", "shop"), null);
  }

  /** The workload as the API server has it now. */
  Workload read(WorkloadKind kind, String name) {
    HasMetadata resource =
        switch (kind) {
          case Deployment ->
              client.apps().deployments().inNamespace(namespace).withName(name).get();
          case StatefulSet ->
              client.apps().statefulSets().inNamespace(namespace).withName(name).get();
          case DaemonSet -> client.apps().daemonSets().inNamespace(namespace).withName(name).get();
          case CronJob ->
              client.batch().v1().cronjobs().inNamespace(namespace).withName(name).get();
          case Job, Pod -> throw new IllegalArgumentException(kind.toString());
        };
    return new Workload(kind, resource, template(kind, resource).getSpec());
  }

  Workload reread(Workload workload) {
    return read(workload.kind(), workload.name());
  }

  static PodTemplateSpec template(WorkloadKind kind, HasMetadata resource) {
    return switch (kind) {
      case Deployment -> ((Deployment) resource).getSpec().getTemplate();
      case StatefulSet -> ((StatefulSet) resource).getSpec().getTemplate();
      case DaemonSet -> ((DaemonSet) resource).getSpec().getTemplate();
      case CronJob -> ((CronJob) resource).getSpec().getJobTemplate().getSpec().getTemplate();
      case Job, Pod -> throw new IllegalArgumentException(kind.toString());
    };
  }

  static Container container(Workload workload, String name) {
    PodSpec spec = template(workload.kind(), workload.resource()).getSpec();
    return Stream.concat(spec.getContainers().stream(), spec.getInitContainers().stream())
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static Map<String, String> templateAnnotations(Workload workload) {
    PodTemplateSpec template = template(workload.kind(), workload.resource());
    return template.getMetadata() == null ? null : template.getMetadata().getAnnotations();
  }

  static List<String> images(Workload workload) {
    PodSpec spec = template(workload.kind(), workload.resource()).getSpec();
    return Stream.concat(spec.getContainers().stream(), spec.getInitContainers().stream())
        .map(Container::getImage)
        .toList();
  }
}
