package dev.vigil.workload;

import static dev.vigil.workload.TestCluster.D1;
import static dev.vigil.workload.TestCluster.D2;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.WorkloadKind;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workload changes as listeners see them, driven by real informers on a real API server, running
 * as Vigil's ServiceAccount with the shipped read-only RBAC. Each test works in a namespace of
 * its own (the index watches just these); events of one informer arrive in order, so waiting for
 * a later event proves an earlier step produced nothing more.
 */
class WorkloadEventsTest {

  static KubeApi api;
  static KubernetesClient admin;
  static KubernetesClient operator;
  static TestCluster cluster;
  static WorkloadIndex index;
  static final Map<String, String> NS = new HashMap<>();
  static final List<WorkloadChange> changes = new CopyOnWriteArrayList<>();
  static final AtomicInteger failingListenerCalls = new AtomicInteger();

  static String ns(String logical) {
    return NS.get(logical);
  }

  @BeforeAll
  static void startIndex() {
    api = KubeApi.shared();
    admin = api.admin();
    cluster = new TestCluster(api);
    for (String logical : List.of("early", "life", "roll", "bare", "cron", "adopt", "orphan")) {
      NS.put(logical, api.createNamespace("events-" + logical));
    }
    cluster.deployment(ns("early"), "before", Map.of(), "nginx:1.27");
    operator = OperatorInstall.apply(api, api.createNamespace("events-op"), OperatorInstall.Overlay.DEFAULT)
        .client();
    index = new WorkloadIndex(operator, Set.copyOf(NS.values()));
    index.events().addListener(change -> {
      failingListenerCalls.incrementAndGet();
      throw new IllegalStateException("listener bug");
    });
    index.events().addListener(changes::add);
    index.startAndAwaitSync(Duration.ofSeconds(60));
  }

  @AfterAll
  static void closeIndex() {
    if (index != null) {
      index.close();
    }
    if (operator != null) {
      operator.close();
    }
  }

  private static List<String> in(String logical) {
    return changes.stream().filter(c -> c.namespace().equals(ns(logical)))
        .map(c -> c.kind() + " " + c.name() + " " + c.type()).toList();
  }

  private static void awaitChanges(String namespace, String... expected) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(List.of(expected), in(namespace)));
  }

  @Test
  void workloadsThatExistAtStartAreAdded() {
    awaitChanges("early", "Deployment before Added");
  }

  @Test
  void aThrowingListenerDoesNotKeepChangesFromTheOthers() {
    awaitChanges("early", "Deployment before Added");
    assertTrue(failingListenerCalls.get() >= 1);
  }

  @Test
  void deploymentAddedImageChangedAndDeletedButNotScaled() {
    cluster.deployment(ns("life"), "web", Map.of(), "nginx:1.27");
    awaitChanges("life", "Deployment web Added");

    admin.apps().deployments().inNamespace(ns("life")).withName("web").edit(d -> {
      d.getSpec().setReplicas(5);
      return d;
    });
    admin.apps().deployments().inNamespace(ns("life")).withName("web").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.28");
      return d;
    });
    awaitChanges("life", "Deployment web Added", "Deployment web ImagesChanged");

    admin.apps().deployments().inNamespace(ns("life")).withName("web").delete();
    awaitChanges("life", "Deployment web Added", "Deployment web ImagesChanged", "Deployment web Deleted");
  }

  @Test
  void aPodRunningADigestNotSeenBeforeIsReportedOncePerDigest() {
    Deployment api = cluster.deployment(ns("roll"), "api", Map.of(), "registry.example.com/api:1");
    awaitChanges("roll", "Deployment api Added");
    ReplicaSet rs = cluster.replicaSet(ns("roll"), "api-1", api, "1", "registry.example.com/api:1");

    Pod a = cluster.pod(ns("roll"), "api-1-a", rs, Map.of(), "registry.example.com/api:1", null, false);
    a = Kubelet.run(admin, a, Map.of("app", "registry.example.com/api@" + D1), false);
    awaitChanges("roll", "Deployment api Added", "Deployment api DigestChanged");

    cluster.pod(ns("roll"), "api-1-b", rs, Map.of(), "registry.example.com/api:1", "registry.example.com/api@" + D1, true);
    Kubelet.run(admin, a, Map.of("app", "registry.example.com/api@" + D1), true);
    cluster.pod(ns("roll"), "api-1-c", rs, Map.of(), "registry.example.com/api:1", "registry.example.com/api@" + D2, true);
    awaitChanges("roll", "Deployment api Added", "Deployment api DigestChanged", "Deployment api DigestChanged");
  }

  @Test
  void barePodAddedStartsRunningIsReImagedAndDeleted() {
    Pod tool = cluster.pod(ns("bare"), "tool", null, Map.of(), "busybox:1.36", null, false);
    awaitChanges("bare", "Pod tool Added");

    Kubelet.run(admin, tool, Map.of("app", "docker-pullable://busybox@" + D1), true);
    awaitChanges("bare", "Pod tool Added", "Pod tool DigestChanged");

    admin.pods().inNamespace(ns("bare")).withName("tool").edit(p -> {
      p.getSpec().getContainers().get(0).setImage("busybox:1.37");
      return p;
    });
    awaitChanges("bare", "Pod tool Added", "Pod tool DigestChanged", "Pod tool ImagesChanged");

    admin.pods().inNamespace(ns("bare")).withName("tool").delete();
    awaitChanges("bare", "Pod tool Added", "Pod tool DigestChanged", "Pod tool ImagesChanged", "Pod tool Deleted");
  }

  @Test
  void cronJobRunsAreReportedForTheCronJobNotItsJobs() {
    CronJob nightly = cluster.cronJob(ns("cron"), "nightly", Map.of(), "registry.example.com/report:1");
    awaitChanges("cron", "CronJob nightly Added");

    Job run = cluster.job(ns("cron"), "nightly-1", Map.of(), nightly, "registry.example.com/report:1");
    cluster.completedPod(ns("cron"), "nightly-1-p", run, "registry.example.com/report:1",
        "registry.example.com/report@" + D1);
    awaitChanges("cron", "CronJob nightly Added", "CronJob nightly DigestChanged");

    // A later Job of its own is the first Job change; the owned one produced none before it.
    cluster.job(ns("cron"), "sentinel", Map.of(), null, "busybox:1.36");
    awaitChanges("cron", "CronJob nightly Added", "CronJob nightly DigestChanged", "Job sentinel Added");
  }

  @Test
  void podsOfAReplicaSetAreReportedWhenTheDeploymentAdoptsIt() {
    Deployment web = cluster.deployment(ns("adopt"), "web", Map.of(), "nginx:1.27");
    awaitChanges("adopt", "Deployment web Added");
    ReplicaSet orphan = cluster.replicaSet(ns("adopt"), "web-1", null, "1", "nginx:1.27");
    cluster.pod(ns("adopt"), "web-1-a", orphan, Map.of(), "nginx:1.27", "docker.io/library/nginx@" + D1, true);

    admin.apps().replicaSets().inNamespace(ns("adopt")).withName("web-1").edit(rs -> {
      rs.getMetadata().setOwnerReferences(TestCluster.owners(web));
      return rs;
    });
    awaitChanges("adopt", "Deployment web Added", "Deployment web DigestChanged");
  }
  /**
   * The cache keeps little of a pod with a controller; one its controller lets go of is a
   * workload whose whole spec the checks read, and one adopted is a workload no more.
   */
  @Test
  void aPodLetGoByItsControllerIsAWorkloadWithItsWholeSpecAndOneAdoptedIsNone() {
    ReplicaSet owner = cluster.replicaSet(ns("orphan"), "batch-1", null, "1", "busybox:1.36");
    Pod pod = TestCluster.podWithoutStatus(ns("orphan"), "batch-1-a", owner, Map.of(), "busybox:1.36");
    pod.getSpec().getContainers().get(0).setEnv(List.of(new EnvVar("MODE", "nightly", null)));
    cluster.create(pod);
    await().atMost(Duration.ofSeconds(60)).until(() -> index.caches().pods.get(ns("orphan"), "batch-1-a").isPresent());
    assertTrue(index.caches().pods.get(ns("orphan"), "batch-1-a").orElseThrow()
        .getSpec().getContainers().get(0).getEnv().isEmpty(), "a controlled pod's env is not cached");
    assertTrue(in("orphan").isEmpty());

    admin.pods().inNamespace(ns("orphan")).withName("batch-1-a").edit(p -> {
      p.getMetadata().setOwnerReferences(List.of());
      return p;
    });
    awaitChanges("orphan", "Pod batch-1-a Added");
    Workload bare = index.workload(WorkloadKind.Pod, ns("orphan"), "batch-1-a").orElseThrow();
    assertEquals(List.of(new EnvVar("MODE", "nightly", null)), bare.podSpec().getContainers().get(0).getEnv());

    admin.pods().inNamespace(ns("orphan")).withName("batch-1-a").edit(p -> {
      p.getMetadata().setOwnerReferences(TestCluster.owners(owner));
      return p;
    });
    awaitChanges("orphan", "Pod batch-1-a Added", "Pod batch-1-a Deleted");
    assertTrue(index.workload(WorkloadKind.Pod, ns("orphan"), "batch-1-a").isEmpty());
  }
}
