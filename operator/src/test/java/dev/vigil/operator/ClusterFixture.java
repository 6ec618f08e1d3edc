package dev.vigil.operator;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.testsupport.KubeApi;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Set-up on a real API server as cluster admin, the way users and the Kubernetes controllers
 * would make it: namespaces with labels, Deployments with the ReplicaSet and pods the controllers
 * would create (controller owner references, revision annotation), and the kubelet's part, a pod
 * status naming the digest each container runs. The plain shared server has no controllers and no
 * kubelet; on the server with kube-controller-manager only {@link #kubelet} is needed.
 */
final class ClusterFixture {

  private final KubeApi api;
  private final KubernetesClient admin;

  ClusterFixture(KubeApi api) {
    this.api = api;
    this.admin = api.admin();
  }

  KubernetesClient admin() {
    return admin;
  }

  /** A new namespace (unique name from the prefix) with these labels besides the usual ones. */
  String namespace(String prefix, Map<String, String> labels) {
    String name = api.createNamespace(prefix);
    if (!labels.isEmpty()) {
      admin.namespaces().withName(name).edit(n -> {
        Map<String, String> all = new HashMap<>(n.getMetadata().getLabels());
        all.putAll(labels);
        n.getMetadata().setLabels(all);
        return n;
      });
    }
    return name;
  }

  static PodSpec podSpec(String container, String image, String initImage) {
    PodSpecBuilder b = new PodSpecBuilder().addNewContainer().withName(container).withImage(image).endContainer();
    if (initImage != null) {
      b.addNewInitContainer().withName("init").withImage(initImage).endInitContainer();
    }
    return b.build();
  }

  /** A Deployment with one replica and no pods (yet), labelled and selected by app=NAME. */
  Deployment deployment(String ns, String name, PodSpec spec) {
    Map<String, String> labels = Map.of("app", name);
    return admin.resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build()).create();
  }

  /**
   * A Deployment as the controllers and the kubelet would leave it: revision-1 ReplicaSet, one
   * running, ready pod whose containers report the image IDs given (container name to imageID;
   * a container without one is still waiting for its image).
   */
  Deployment deploymentWithPod(String ns, String name, PodSpec spec, Map<String, String> imageIds) {
    Deployment d = deployment(ns, name, spec);
    ReplicaSet rs = replicaSet(d, 1, spec);
    kubelet(pod(rs, name + "-" + rs.getMetadata().getLabels().get("pod-template-hash") + "-a", spec),
        c -> imageIds.get(c.getName()));
    return d;
  }

  /** The ReplicaSet the Deployment controller makes for this revision of the template. */
  ReplicaSet replicaSet(Deployment d, int revision, PodSpec spec) {
    String hash = "r" + revision + Integer.toHexString(spec.hashCode() & 0xfffff);
    Map<String, String> labels = new HashMap<>(d.getSpec().getSelector().getMatchLabels());
    labels.put("pod-template-hash", hash);
    return admin.resource(new ReplicaSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(d.getMetadata().getNamespace()).withLabels(labels)
            .withAnnotations(Map.of("deployment.kubernetes.io/revision", Integer.toString(revision)))
            .withOwnerReferences(controller(d)).build())
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build()).create();
  }

  /** A pod of the owner's template as its controller creates it: not yet started. */
  Pod pod(HasMetadata owner, String name, PodSpec spec) {
    Map<String, String> labels = owner instanceof ReplicaSet rs
        ? rs.getSpec().getSelector().getMatchLabels() : Map.of("app", owner.getMetadata().getName());
    return admin.resource(new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(owner.getMetadata().getNamespace())
            .withLabels(labels).withOwnerReferences(controller(owner)).build())
        .withSpec(spec).build()).create();
  }

  /** A StatefulSet without pods: no controller has written a status, so no pod is current. */
  StatefulSet statefulSet(String ns, String name, PodSpec spec) {
    Map<String, String> labels = Map.of("app", name);
    return admin.resource(new StatefulSetBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withServiceName(name).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build()).create();
  }

  /**
   * Plays the kubelet: the pod runs, is Ready, and each container with an imageID from the
   * function reports it (init containers as completed); the others are still pulling.
   */
  Pod kubelet(Pod pod, Function<Container, String> imageIds) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<ContainerStatus> init = new ArrayList<>();
    for (Container c : nonNull(pod.getSpec().getInitContainers())) {
      String id = imageIds.apply(c);
      ContainerStatusBuilder b = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
          .withImageID(id == null ? "" : id).withReady(id != null).withRestartCount(0);
      init.add(id == null
          ? b.withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState().build()
          : b.withNewState().withNewTerminated().withExitCode(0).withReason("Completed").withStartedAt(now)
              .withFinishedAt(now).endTerminated().endState().build());
    }
    List<ContainerStatus> main = new ArrayList<>();
    boolean allReady = true;
    for (Container c : pod.getSpec().getContainers()) {
      String id = imageIds.apply(c);
      allReady &= id != null;
      ContainerStatusBuilder b = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
          .withImageID(id == null ? "" : id).withReady(id != null).withStarted(id != null).withRestartCount(0);
      main.add(id == null
          ? b.withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState().build()
          : b.withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build());
    }
    String ready = allReady ? "True" : "False";
    Pod current = admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
    current.setStatus(new PodStatusBuilder()
        .withPhase(allReady ? "Running" : "Pending")
        .withStartTime(now)
        .withHostIP("127.0.0.1").withPodIP("10.0.0." + (1 + (Math.abs(pod.getMetadata().getName().hashCode()) % 250)))
        .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("ContainersReady").withStatus(ready).withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("Ready").withStatus(ready).withLastTransitionTime(now).endCondition()
        .withInitContainerStatuses(init)
        .withContainerStatuses(main)
        .build());
    return admin.pods().resource(current).updateStatus();
  }

  /** The repository digest a runtime reports for an image pulled from {@code repository}. */
  static String imageId(String repository, String digest) {
    return repository + "@" + digest;
  }

  static OwnerReference controller(HasMetadata owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build();
  }

  static ImagePolicy policy(String ns, String name) {
    ImagePolicy p = new ImagePolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    p.setSpec(new ImagePolicySpec());
    return p;
  }

  /**
   * A ScanSchedule "every-2s" in {@code ns} that runs every 2 s over the namespaces with these
   * labels (every namespace when null).
   */
  static ScanSchedule scheduleEvery2s(String ns, Map<String, String> namespaceLabels) {
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("every-2s").withNamespace(ns).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().interval = "2s";
    if (namespaceLabels != null) {
      schedule.getSpec().namespaceSelector = new LabelSelectorBuilder().withMatchLabels(namespaceLabels).build();
    }
    return schedule;
  }

  /** Events about the named object in its namespace. */
  List<Event> events(String ns, String involvedName) {
    return admin.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> involvedName.equals(e.getInvolvedObject().getName())).toList();
  }

  /** The managedFields entries of a field manager. */
  static List<ManagedFieldsEntry> managedBy(HasMetadata resource, String manager) {
    return nonNull(resource.getMetadata().getManagedFields()).stream()
        .filter(m -> manager.equals(m.getManager())).toList();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
