package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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
import java.util.List;
import java.util.Map;

/**
 * Creates workloads, their ReplicaSets, Jobs and pods in the fabric8 mock server, shaped the
 * way the Kubernetes controllers shape them (controller owner references, revision labels and
 * annotations, container statuses with imageIDs).
 */
final class TestCluster {

  static final String D1 = digest('1');
  static final String D2 = digest('2');
  static final String D3 = digest('3');
  static final String D4 = digest('4');
  static final String D5 = digest('5');
  static final String D6 = digest('6');

  private final KubernetesClient client;

  TestCluster(KubernetesClient client) {
    this.client = client;
  }

  static String digest(char c) {
    return "sha256:" + String.valueOf(c).repeat(64);
  }

  static PodSpec spec(String image) {
    return new PodSpecBuilder().addNewContainer().withName("app").withImage(image).endContainer().build();
  }

  <T extends HasMetadata> T create(T resource) {
    return client.resource(resource).create();
  }

  Namespace namespace(String name, Map<String, String> labels) {
    return create(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build());
  }

  Deployment deployment(String ns, String name, Map<String, String> labels, String image) {
    return create(new DeploymentBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withNewTemplate().withSpec(spec(image)).endTemplate().endSpec().build());
  }

  ReplicaSet replicaSet(String ns, String name, HasMetadata owner, String revision, String image) {
    return create(new ReplicaSetBuilder()
        .withNewMetadata().withNamespace(ns).withName(name)
        .withOwnerReferences(owners(owner))
        .withAnnotations(Map.of(CurrentRevisionPods.DEPLOYMENT_REVISION, revision)).endMetadata()
        .withNewSpec().withNewTemplate().withSpec(spec(image)).endTemplate().endSpec().build());
  }

  StatefulSet statefulSet(String ns, String name, Map<String, String> labels, String image, String updateRevision) {
    StatefulSetBuilder builder = new StatefulSetBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withNewTemplate().withSpec(spec(image)).endTemplate().endSpec();
    if (updateRevision != null) {
      builder.withNewStatus().withUpdateRevision(updateRevision).withCurrentRevision(updateRevision).endStatus();
    }
    return create(builder.build());
  }

  DaemonSet daemonSet(String ns, String name, Map<String, String> labels, String image, String generation) {
    return create(new DaemonSetBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels)
        .withAnnotations(Map.of(CurrentRevisionPods.DAEMONSET_TEMPLATE_GENERATION, generation)).endMetadata()
        .withNewSpec().withNewTemplate().withSpec(spec(image)).endTemplate().endSpec().build());
  }

  CronJob cronJob(String ns, String name, Map<String, String> labels, String image) {
    return create(new CronJobBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withSchedule("0 2 * * *").withNewJobTemplate().withNewSpec()
        .withNewTemplate().withSpec(spec(image)).endTemplate().endSpec().endJobTemplate().endSpec().build());
  }

  Job job(String ns, String name, Map<String, String> labels, HasMetadata owner, String image) {
    return create(new JobBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels)
        .withOwnerReferences(owners(owner)).endMetadata()
        .withNewSpec().withNewTemplate().withSpec(spec(image)).endTemplate().endSpec().build());
  }

  /**
   * A pod with one container "app" running {@code image}; {@code imageId} as the kubelet reports
   * it (null while not started); Ready as given.
   */
  Pod pod(String ns, String name, HasMetadata owner, Map<String, String> labels, String image,
      String imageId, boolean ready) {
    return create(podObject(ns, name, owner, labels, image, imageId, ready));
  }

  static Pod podObject(String ns, String name, HasMetadata owner, Map<String, String> labels, String image,
      String imageId, boolean ready) {
    return new PodBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withLabels(labels)
        .withOwnerReferences(owners(owner)).endMetadata()
        .withSpec(spec(image))
        .withNewStatus()
        .addNewContainerStatus().withName("app").withImage(image).withImageID(imageId).endContainerStatus()
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus().build();
  }

  static List<OwnerReference> owners(HasMetadata owner) {
    List<OwnerReference> out = new ArrayList<>();
    if (owner != null) {
      out.add(controller(owner));
    }
    return out;
  }

  static OwnerReference controller(HasMetadata owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build();
  }
}
