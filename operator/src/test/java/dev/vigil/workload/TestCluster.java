package dev.vigil.workload;

import dev.vigil.testsupport.KubeApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates workloads, their ReplicaSets, Jobs and pods on a real API server without controllers,
 * shaped the way the Kubernetes controllers shape them: controller owner references with the
 * owners' real uids, revision labels and annotations, and pod status written through the status
 * subresource as a kubelet writes it ({@link Kubelet}). Set-up only: it runs as cluster admin.
 */
final class TestCluster {

  static final String D1 = digest('1');
  static final String D2 = digest('2');
  static final String D3 = digest('3');
  static final String D4 = digest('4');
  static final String D5 = digest('5');
  static final String D6 = digest('6');

  /** The label every pod template here carries and every selector matches on. */
  static final String WORKLOAD_LABEL = "vigil.dev/test-workload";

  private final KubeApi api;
  private final KubernetesClient client;

  TestCluster(KubeApi api) {
    this.api = api;
    this.client = api.admin();
  }

  KubernetesClient admin() {
    return client;
  }

  static String digest(char c) {
    return "sha256:" + String.valueOf(c).repeat(64);
  }

  static PodSpec spec(String image) {
    return new PodSpecBuilder().addNewContainer().withName("app").withImage(image).endContainer().build();
  }

  /** A Job's pods must not restart forever. */
  static PodSpec jobSpec(String image) {
    PodSpec spec = spec(image);
    spec.setRestartPolicy("Never");
    return spec;
  }

  <T extends HasMetadata> T create(T resource) {
    return client.resource(resource).create();
  }

  /** A new namespace of its own (the name starts with {@code prefix}) with these labels too. */
  String namespace(String prefix, Map<String, String> labels) {
    String name = api.createNamespace(prefix);
    if (!labels.isEmpty()) {
      client.namespaces().withName(name).edit(n -> {
        n.getMetadata().getLabels().putAll(labels);
        return n;
      });
    }
    return name;
  }

  static Map<String, String> selectorOf(String name) {
    return Map.of(WORKLOAD_LABEL, name);
  }

  Deployment deployment(String ns, String name, Map<String, String> labels, String image) {
    return create(new DeploymentBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(selectorOf(name)).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(selectorOf(name)).endMetadata()
        .withSpec(spec(image)).endTemplate().endSpec().build());
  }

  /** A ReplicaSet as the deployment controller makes one: revision annotation, pod-template-hash. */
  ReplicaSet replicaSet(String ns, String name, HasMetadata owner, String revision, String image) {
    Map<String, String> podLabels = new HashMap<>(selectorOf(name));
    podLabels.put("pod-template-hash", "h" + revision);
    return create(new ReplicaSetBuilder()
        .withNewMetadata().withNamespace(ns).withName(name)
        .withOwnerReferences(owners(owner))
        .withAnnotations(Map.of(CurrentRevisionPods.DEPLOYMENT_REVISION, revision)).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(podLabels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(podLabels).endMetadata()
        .withSpec(spec(image)).endTemplate().endSpec().build());
  }

  /**
   * A StatefulSet; with {@code updateRevision} its status as the controller writes it (current
   * and update revision alike), through the status subresource.
   */
  StatefulSet statefulSet(String ns, String name, Map<String, String> labels, String image, String updateRevision) {
    StatefulSet created = create(new StatefulSetBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withServiceName(name).withNewSelector().withMatchLabels(selectorOf(name)).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(selectorOf(name)).endMetadata()
        .withSpec(spec(image)).endTemplate().endSpec().build());
    if (updateRevision == null) {
      return created;
    }
    return client.apps().statefulSets().inNamespace(ns).withName(name).editStatus(s -> {
      s.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
          .withObservedGeneration(s.getMetadata().getGeneration()).withReplicas(0)
          .withUpdateRevision(updateRevision).withCurrentRevision(updateRevision).build());
      return s;
    });
  }

  /**
   * A DaemonSet whose pod template was changed {@code templateChanges} times after it was
   * created, so that the API server has raised its template generation annotation that often.
   */
  DaemonSet daemonSet(String ns, String name, Map<String, String> labels, String image, int templateChanges) {
    DaemonSet ds = create(new DaemonSetBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(selectorOf(name)).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(selectorOf(name)).endMetadata()
        .withSpec(spec(image)).endTemplate().endSpec().build());
    for (int i = 1; i <= templateChanges; i++) {
      String change = String.valueOf(i);
      ds = client.apps().daemonSets().inNamespace(ns).withName(name).edit(d -> {
        Map<String, String> annotations = new HashMap<>();
        if (d.getSpec().getTemplate().getMetadata().getAnnotations() != null) {
          annotations.putAll(d.getSpec().getTemplate().getMetadata().getAnnotations());
        }
        annotations.put("vigil.dev/test-change", change);
        d.getSpec().getTemplate().getMetadata().setAnnotations(annotations);
        return d;
      });
    }
    return ds;
  }

  /** The template generation the API server keeps in the DaemonSet's annotation. */
  static String templateGeneration(DaemonSet ds) {
    return ds.getMetadata().getAnnotations().get(CurrentRevisionPods.DAEMONSET_TEMPLATE_GENERATION);
  }

  CronJob cronJob(String ns, String name, Map<String, String> labels, String image) {
    return create(new CronJobBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withSchedule("0 2 * * *").withNewJobTemplate().withNewSpec()
        .withNewTemplate().withSpec(jobSpec(image)).endTemplate().endSpec().endJobTemplate().endSpec().build());
  }

  /** A Job (the API server gives it its selector and pod labels). */
  Job job(String ns, String name, Map<String, String> labels, HasMetadata owner, String image) {
    return create(new JobBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels)
        .withOwnerReferences(owners(owner)).endMetadata()
        .withNewSpec().withNewTemplate().withSpec(jobSpec(image)).endTemplate().endSpec().build());
  }

  /**
   * A pod with one container "app" running {@code image}, owned by {@code owner}; with an
   * {@code imageId} the kubelet then reports it running (phase Running, Ready as given), without
   * one it stays as the API server created it (Pending, no container statuses).
   */
  Pod pod(String ns, String name, HasMetadata owner, Map<String, String> labels, String image,
      String imageId, boolean ready) {
    Pod pod = create(podWithoutStatus(ns, name, owner, labels, image));
    if (imageId == null) {
      return pod;
    }
    return Kubelet.run(client, pod, Map.of("app", imageId), ready);
  }

  /** A Job's pod that ran to completion with this image id. */
  Pod completedPod(String ns, String name, Job owner, String image, String imageId) {
    Pod pod = podWithoutStatus(ns, name, owner, owner.getSpec().getTemplate().getMetadata().getLabels(), image);
    pod.getSpec().setRestartPolicy("Never");
    return Kubelet.complete(client, create(pod), Map.of("app", imageId));
  }

  /** The pod as an object with a status (for unit tests: nothing is sent anywhere). */
  static Pod podObject(String ns, String name, HasMetadata owner, Map<String, String> labels, String image,
      String imageId, boolean ready) {
    Pod pod = podWithoutStatus(ns, name, owner, labels, image);
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
        .addNewContainerStatus().withName("app").withImage(image).withImageID(imageId).endContainerStatus()
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .build());
    return pod;
  }

  static Pod podWithoutStatus(String ns, String name, HasMetadata owner, Map<String, String> labels, String image) {
    return new PodBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels)
        .withOwnerReferences(owners(owner)).endMetadata()
        .withSpec(spec(image)).build();
  }

  static List<OwnerReference> owners(HasMetadata owner) {
    List<OwnerReference> out = new ArrayList<>();
    if (owner != null) {
      out.add(controller(owner));
    }
    return out;
  }

  static OwnerReference controller(HasMetadata owner) {
    if (owner.getMetadata().getUid() == null) {
      throw new IllegalArgumentException("owner " + owner.getMetadata().getName() + " was not read from the server");
    }
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build();
  }
}
