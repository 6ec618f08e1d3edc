package dev.vigil.rollout;

import static dev.vigil.rollout.TestWorkloads.container;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.api.WorkloadKind;
import dev.vigil.registry.ImageReference;
import dev.vigil.testsupport.Conflicts;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.workload.ContainerImage;
import dev.vigil.workload.Kubelet;
import dev.vigil.workload.Workload;
import dev.vigil.workload.WorkloadIndex;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollouts that Vigil starts and real controllers carry out: a real API server with
 * kube-controller-manager (ReplicaSets and pods from Deployments, StatefulSet and DaemonSet pods,
 * Jobs from CronJobs, revisions, garbage collection). There is no scheduler or kubelet: the test
 * plays the kubelet by reporting each new pod's containers as running (the image id's digest is
 * the one its image names) through the status subresource. The executor and the index run as
 * Vigil's ServiceAccount with the rollout RBAC; the index's answer is checked against what the
 * controllers actually did with their revision labels and annotations.
 */
class RolloutOnControllersTest {

  private static final String REPO = "registry.example.com/team/web";
  private static final String IMAGE = REPO + ":1.4.0";
  private static final String FROM = "sha256:" + "a".repeat(64);
  private static final String TO = "sha256:" + "b".repeat(64);
  private static final String PROXY = "sha256:" + "e".repeat(64);
  private static final String PINNED = IMAGE + "@" + TO;
  private static final Duration DEADLINE = Duration.ofSeconds(600);
  private static final Duration WAIT = Duration.ofSeconds(120);

  static KubeApi api;
  static KubernetesClient admin;
  static KubernetesClient operator;

  String namespace;
  TestWorkloads workloads;
  WorkloadIndex index;

  @BeforeAll
  static void install() {
    api = KubeApi.withControllerManager();
    admin = api.admin();
    operator =
        OperatorInstall.apply(
                api, api.createNamespace("rollout-kcm-op"), OperatorInstall.Overlay.WITH_ROLLOUT)
            .client();
  }

  @AfterAll
  static void close() {
    if (operator != null) {
      operator.close();
    }
  }

  @BeforeEach
  void namespace() {
    namespace = api.createNamespace("rollout-kcm");
    workloads = new TestWorkloads(admin, namespace).replicas(2);
    index = new WorkloadIndex(operator, Set.of(namespace));
    index.startAndAwaitSync(Duration.ofSeconds(60));
  }

  @AfterEach
  void closeIndex() {
    index.close();
  }

  /** The image id a runtime reports for a container: the digest its image names, else FROM. */
  private static String imageIdOf(Container c) {
    if (c.getImage().startsWith("envoyproxy/envoy")) {
      return "docker.io/envoyproxy/envoy@" + PROXY;
    }
    return c.getImage().startsWith(REPO) ? REPO + "@" + (c.getImage().endsWith(TO) ? TO : FROM) : null;
  }

  /**
   * The kubelet's part: every pod the controllers created that has not started yet starts now,
   * Ready unless it runs the candidate and {@code candidateReady} is false.
   */
  private void startNewPods(boolean candidateReady) {
    for (Pod pod : admin.pods().inNamespace(namespace).list().getItems()) {
      boolean started =
          pod.getStatus() != null && !pod.getStatus().getContainerStatuses().isEmpty();
      if (started || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      boolean candidate =
          pod.getSpec().getContainers().stream().anyMatch(c -> c.getImage().endsWith(TO));
      try {
        Kubelet.runAll(admin, List.of(pod), RolloutOnControllersTest::imageIdOf, candidateReady || !candidate);
      } catch (KubernetesClientException e) {
        // The controller deleted it meanwhile (an old revision's pod): nothing to start.
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
  }

  /** Plays the kubelet until {@code done} holds. */
  private void runPodsUntil(boolean candidateReady, Supplier<Boolean> done) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              startNewPods(candidateReady);
              return done.get();
            });
  }

  private Workload read(WorkloadKind kind, String name) {
    return workloads.read(kind, name);
  }

  /** The digest the index says the workload's container runs. */
  private String indexedDigest(WorkloadKind kind, String name, String container) {
    Workload cached = index.workload(kind, namespace, name).orElse(null);
    if (cached == null) {
      return null;
    }
    return index.images(cached).stream()
        .filter(i -> i.container().equals(container))
        .map(ContainerImage::digest)
        .findFirst()
        .orElse(null);
  }

  private static Decision pin() {
    return new Decision(
        State.RollingOut,
        "RollingOut: to 1.4.0@" + TO,
        new RolloutAction.StartRollout(
            RolloutMethod.PinDigest,
            ImageReference.parse(IMAGE).withDigest(TO),
            FROM,
            "web-updates"),
        null);
  }

  /**
   * Runs a step on a fresh read, reading again while the controllers' status writes beat it to the
   * object (409: what the operator does on its next pass).
   */
  private <T> T onFreshRead(WorkloadKind kind, String name, java.util.function.Function<Workload, T> step) {
    for (int attempt = 1; ; attempt++) {
      try {
        return step.apply(read(kind, name));
      } catch (WorkloadChangedException e) {
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  private Progress progress(RolloutExecutor executor, WorkloadKind kind, String name) {
    return executor.progress(read(kind, name), DEADLINE);
  }

  private static JsonNode template(Deployment d) {
    return new ObjectMapper().valueToTree(d.getSpec().getTemplate());
  }

  private List<ReplicaSet> replicaSets(String deployment) {
    return admin.apps().replicaSets().inNamespace(namespace).list().getItems().stream()
        .filter(rs -> rs.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> o.getName().equals(deployment)))
        .toList();
  }

  private static String revision(ReplicaSet rs) {
    return rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision");
  }

  private boolean deploymentComplete(String name) {
    Deployment d = admin.apps().deployments().inNamespace(namespace).withName(name).get();
    return d.getStatus() != null
        && d.getMetadata().getGeneration().equals(d.getStatus().getObservedGeneration())
        && Integer.valueOf(2).equals(d.getStatus().getUpdatedReplicas())
        && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas())
        && Integer.valueOf(2).equals(d.getStatus().getReplicas());
  }

  @Test
  void deploymentPinnedByVigilIsRolledOutByTheControllerAndFinished() {
    workloads.create(WorkloadKind.Deployment, "web", IMAGE, "IfNotPresent");
    runPodsUntil(true, () -> deploymentComplete("web"));
    await().atMost(WAIT).until(() -> FROM.equals(indexedDigest(WorkloadKind.Deployment, "web", "web")));
    RolloutExecutor executor = new RolloutExecutor(operator, Clock.systemUTC());

    onFreshRead(WorkloadKind.Deployment, "web", w -> executor.start(w, "web", pin()));
    runPodsUntil(
        true,
        () -> progress(executor, WorkloadKind.Deployment, "web").status() == Progress.Status.Succeeded);
    assertEquals(
        Progress.succeeded("2 of 2 replicas updated and available"),
        progress(executor, WorkloadKind.Deployment, "web"));
    RolloutAnnotation finished = onFreshRead(WorkloadKind.Deployment, "web", executor::finish);

    assertEquals(RolloutPhase.RolledOut, finished.phase());
    assertEquals(PINNED, container(read(WorkloadKind.Deployment, "web"), "web").getImage());
    List<ReplicaSet> sets = replicaSets("web");
    assertEquals(2, sets.size(), "the controller made a ReplicaSet for the pinned template");
    ReplicaSet current = sets.stream().filter(rs -> "2".equals(revision(rs))).findFirst().orElseThrow();
    assertEquals(PINNED, current.getSpec().getTemplate().getSpec().getContainers().get(1).getImage());
    await().atMost(WAIT).until(() -> TO.equals(indexedDigest(WorkloadKind.Deployment, "web", "web")));
  }

  @Test
  void deploymentRolledBackByVigilReturnsToItsPreviousReplicaSet() {
    workloads.create(WorkloadKind.Deployment, "web", IMAGE, "IfNotPresent");
    runPodsUntil(true, () -> deploymentComplete("web"));
    Deployment before = admin.apps().deployments().inNamespace(namespace).withName("web").get();
    ReplicaSet original = replicaSets("web").get(0);
    RolloutExecutor executor = new RolloutExecutor(operator, Clock.systemUTC());

    onFreshRead(WorkloadKind.Deployment, "web", w -> executor.start(w, "web", pin()));
    // The candidate's pods start but never get Ready.
    runPodsUntil(
        false,
        () -> replicaSets("web").size() == 2
            && admin.pods().inNamespace(namespace).list().getItems().stream()
                .anyMatch(p -> p.getSpec().getContainers().get(1).getImage().equals(PINNED)
                    && !p.getStatus().getContainerStatuses().isEmpty()));
    assertEquals(Progress.Status.InProgress, progress(executor, WorkloadKind.Deployment, "web").status());

    RolloutExecutor later = new RolloutExecutor(operator, Clock.offset(Clock.systemUTC(), DEADLINE));
    assertEquals(Progress.Status.Failed, progress(later, WorkloadKind.Deployment, "web").status());
    RolloutAnnotation rolledBack = onFreshRead(WorkloadKind.Deployment, "web", later::rollback);

    assertEquals(RolloutPhase.RolledBack, rolledBack.phase());
    Deployment after = admin.apps().deployments().inNamespace(namespace).withName("web").get();
    assertEquals(template(before), template(after), "the pod template is exactly the one before");
    // The controller takes the original ReplicaSet back as the newest revision and drops the other.
    runPodsUntil(true, () -> {
      ReplicaSet rs = admin.apps().replicaSets().inNamespace(namespace)
          .withName(original.getMetadata().getName()).get();
      return "3".equals(revision(rs)) && deploymentComplete("web")
          && replicaSets("web").stream().filter(r -> !r.getMetadata().getName()
              .equals(original.getMetadata().getName()))
              .allMatch(r -> r.getStatus().getReplicas() == 0);
    });
    assertTrue(
        admin.pods().inNamespace(namespace).list().getItems().stream()
            .noneMatch(p -> p.getSpec().getContainers().get(1).getImage().equals(PINNED)),
        "the candidate's pods are gone");
    await().atMost(WAIT).until(() -> FROM.equals(indexedDigest(WorkloadKind.Deployment, "web", "web")));
  }

  @Test
  void statefulSetPinnedByVigilIsRolledOutPodByPod() {
    workloads.create(WorkloadKind.StatefulSet, "db", IMAGE, "IfNotPresent");
    runPodsUntil(true, () -> {
      var s = admin.apps().statefulSets().inNamespace(namespace).withName("db").get().getStatus();
      return s != null && Integer.valueOf(2).equals(s.getReadyReplicas())
          && s.getUpdateRevision() != null && s.getUpdateRevision().equals(s.getCurrentRevision());
    });
    await().atMost(WAIT).until(() -> FROM.equals(indexedDigest(WorkloadKind.StatefulSet, "db", "web")));
    RolloutExecutor executor = new RolloutExecutor(operator, Clock.systemUTC());

    onFreshRead(WorkloadKind.StatefulSet, "db", w -> executor.start(w, "web", pin()));
    runPodsUntil(
        true,
        () -> progress(executor, WorkloadKind.StatefulSet, "db").status() == Progress.Status.Succeeded);
    RolloutAnnotation finished = onFreshRead(WorkloadKind.StatefulSet, "db", executor::finish);

    assertEquals(RolloutPhase.RolledOut, finished.phase());
    String updateRevision = admin.apps().statefulSets().inNamespace(namespace).withName("db").get()
        .getStatus().getUpdateRevision();
    List<Pod> pods = admin.pods().inNamespace(namespace).list().getItems();
    assertEquals(2, pods.size());
    for (Pod pod : pods) {
      assertEquals(updateRevision, pod.getMetadata().getLabels().get("controller-revision-hash"));
      assertEquals(PINNED, pod.getSpec().getContainers().get(1).getImage());
    }
    await().atMost(WAIT).until(() -> TO.equals(indexedDigest(WorkloadKind.StatefulSet, "db", "web")));
  }

  @Test
  void daemonSetPinnedByVigilIsRolledOutOnItsNode() {
    // A node of this test's own: tainted so that other tests' DaemonSets stay off it, and
    // tolerated (with any taint the node controller adds to a node without kubelet) only by ours.
    String node = "node-" + namespace;
    admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
        .addToLabels("vigil.dev/test-node", node).endMetadata()
        .withNewSpec().addNewTaint().withKey("vigil.dev/test-node").withValue(node)
        .withEffect("NoSchedule").endTaint().endSpec().build()).create();
    try {
      DaemonSet ds = (DaemonSet) workloads.build(WorkloadKind.DaemonSet, "agent", IMAGE, "IfNotPresent",
          Map.of("team", "shop"), null);
      ds.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("vigil.dev/test-node", node));
      ds.getSpec().getTemplate().getSpec().setTolerations(
          List.of(new TolerationBuilder().withOperator("Exists").build()));
      admin.resource(ds).create();
      runPodsUntil(true, () -> {
        var s = admin.apps().daemonSets().inNamespace(namespace).withName("agent").get().getStatus();
        return s != null && Integer.valueOf(1).equals(s.getDesiredNumberScheduled())
            && Integer.valueOf(1).equals(s.getNumberAvailable());
      });
      await().atMost(WAIT).until(() -> FROM.equals(indexedDigest(WorkloadKind.DaemonSet, "agent", "web")));
      RolloutExecutor executor = new RolloutExecutor(operator, Clock.systemUTC());

      onFreshRead(WorkloadKind.DaemonSet, "agent", w -> executor.start(w, "web", pin()));
      runPodsUntil(
          true,
          () -> progress(executor, WorkloadKind.DaemonSet, "agent").status() == Progress.Status.Succeeded);
      assertEquals(
          Progress.succeeded("1 of 1 scheduled pods updated and available"),
          progress(executor, WorkloadKind.DaemonSet, "agent"));
      RolloutAnnotation finished = onFreshRead(WorkloadKind.DaemonSet, "agent", executor::finish);

      assertEquals(RolloutPhase.RolledOut, finished.phase());
      List<Pod> pods = admin.pods().inNamespace(namespace).list().getItems();
      assertEquals(1, pods.size());
      assertEquals(PINNED, pods.get(0).getSpec().getContainers().get(1).getImage());
      await().atMost(WAIT).until(() -> TO.equals(indexedDigest(WorkloadKind.DaemonSet, "agent", "web")));
    } finally {
      admin.nodes().withName(node).delete();
    }
  }

  @Test
  void cronJobPinnedByVigilRunsItsNextJobWithThePinnedImage() {
    CronJob cron = (CronJob) workloads.build(WorkloadKind.CronJob, "report", IMAGE, "IfNotPresent",
        Map.of("team", "shop"), null);
    cron.getSpec().setSchedule("* * * * *");
    cron.getSpec().setConcurrencyPolicy("Forbid");
    admin.resource(cron).create();
    RolloutExecutor executor = new RolloutExecutor(operator, Clock.systemUTC());

    RolloutAnnotation started =
        onFreshRead(WorkloadKind.CronJob, "report", w -> executor.start(w, "web", pin()));

    assertEquals(RolloutPhase.RolledOut, started.phase(), "its next runs use the new template");
    // The CronJob controller starts a Job at the next full minute; the Job controller its pod.
    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).until(() ->
        admin.pods().inNamespace(namespace).list().getItems().stream().anyMatch(p -> !p.getMetadata()
            .getOwnerReferences().isEmpty()));
    Conflicts.retry(() -> admin.batch().v1().cronjobs().inNamespace(namespace).withName("report")
        .edit(c -> {
          c.getSpec().setSuspend(true);
          return c;
        }));
    Job job = admin.batch().v1().jobs().inNamespace(namespace).list().getItems().get(0);
    assertEquals("CronJob", job.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals(PINNED, job.getSpec().getTemplate().getSpec().getContainers().get(1).getImage());
    for (Pod pod : admin.pods().inNamespace(namespace).list().getItems()) {
      Kubelet.complete(admin, pod, Map.of(
          "proxy", "docker.io/envoyproxy/envoy@" + PROXY, "web", REPO + "@" + TO, "migrate", REPO + "@" + TO));
    }
    await().atMost(WAIT).until(() -> TO.equals(indexedDigest(WorkloadKind.CronJob, "report", "web")));
  }
}
