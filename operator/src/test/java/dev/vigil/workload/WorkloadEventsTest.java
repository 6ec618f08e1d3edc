package dev.vigil.workload;

import static dev.vigil.workload.TestCluster.D1;
import static dev.vigil.workload.TestCluster.D2;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workload changes as listeners see them, driven by real informers against the mock server.
 * Each test works in its own namespace; events of one informer arrive in order, so waiting for
 * a later event proves an earlier step produced nothing more.
 */
@EnableKubernetesMockClient(crud = true)
class WorkloadEventsTest {

  static KubernetesClient client;
  static TestCluster cluster;
  static WorkloadIndex index;
  static final List<WorkloadChange> changes = new CopyOnWriteArrayList<>();
  static final AtomicInteger failingListenerCalls = new AtomicInteger();

  @BeforeAll
  static void startIndex() {
    cluster = new TestCluster(client);
    cluster.deployment("early", "before", Map.of(), "nginx:1.27");
    index = new WorkloadIndex(client);
    index.events().addListener(change -> {
      failingListenerCalls.incrementAndGet();
      throw new IllegalStateException("listener bug");
    });
    index.events().addListener(changes::add);
    index.startAndAwaitSync(Duration.ofSeconds(30));
  }

  @AfterAll
  static void closeIndex() {
    if (index != null) {
      index.close();
    }
  }

  private static List<String> in(String namespace) {
    return changes.stream().filter(c -> c.namespace().equals(namespace))
        .map(c -> c.kind() + " " + c.name() + " " + c.type()).toList();
  }

  private static void awaitChanges(String namespace, String... expected) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals(List.of(expected), in(namespace)));
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
    cluster.deployment("life", "web", Map.of(), "nginx:1.27");
    awaitChanges("life", "Deployment web Added");

    client.apps().deployments().inNamespace("life").withName("web").edit(d -> {
      d.getSpec().setReplicas(5);
      return d;
    });
    client.apps().deployments().inNamespace("life").withName("web").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.28");
      return d;
    });
    awaitChanges("life", "Deployment web Added", "Deployment web ImagesChanged");

    client.apps().deployments().inNamespace("life").withName("web").delete();
    awaitChanges("life", "Deployment web Added", "Deployment web ImagesChanged", "Deployment web Deleted");
  }

  @Test
  void aPodRunningADigestNotSeenBeforeIsReportedOncePerDigest() {
    Deployment api = cluster.deployment("roll", "api", Map.of(), "registry.example.com/api:1");
    awaitChanges("roll", "Deployment api Added");
    ReplicaSet rs = cluster.replicaSet("roll", "api-1", api, "1", "registry.example.com/api:1");

    cluster.pod("roll", "api-1-a", rs, Map.of(), "registry.example.com/api:1", null, false);
    client.pods().inNamespace("roll").withName("api-1-a").editStatus(p -> {
      p.getStatus().getContainerStatuses().get(0).setImageID("registry.example.com/api@" + D1);
      return p;
    });
    awaitChanges("roll", "Deployment api Added", "Deployment api DigestChanged");

    cluster.pod("roll", "api-1-b", rs, Map.of(), "registry.example.com/api:1", "registry.example.com/api@" + D1, true);
    client.pods().inNamespace("roll").withName("api-1-a").editStatus(p -> {
      p.getStatus().getConditions().get(0).setStatus("True");
      return p;
    });
    cluster.pod("roll", "api-1-c", rs, Map.of(), "registry.example.com/api:1", "registry.example.com/api@" + D2, true);
    awaitChanges("roll", "Deployment api Added", "Deployment api DigestChanged", "Deployment api DigestChanged");
  }

  @Test
  void barePodAddedStartsRunningIsReImagedAndDeleted() {
    cluster.pod("bare", "tool", null, Map.of(), "busybox:1.36", null, false);
    awaitChanges("bare", "Pod tool Added");

    client.pods().inNamespace("bare").withName("tool").editStatus(p -> {
      p.getStatus().getContainerStatuses().get(0).setImageID("docker-pullable://busybox@" + D1);
      return p;
    });
    awaitChanges("bare", "Pod tool Added", "Pod tool DigestChanged");

    client.pods().inNamespace("bare").withName("tool").edit(p -> {
      p.getSpec().getContainers().get(0).setImage("busybox:1.37");
      return p;
    });
    awaitChanges("bare", "Pod tool Added", "Pod tool DigestChanged", "Pod tool ImagesChanged");

    client.pods().inNamespace("bare").withName("tool").delete();
    awaitChanges("bare", "Pod tool Added", "Pod tool DigestChanged", "Pod tool ImagesChanged", "Pod tool Deleted");
  }

  @Test
  void cronJobRunsAreReportedForTheCronJobNotItsJobs() {
    CronJob nightly = cluster.cronJob("cron", "nightly", Map.of(), "registry.example.com/report:1");
    awaitChanges("cron", "CronJob nightly Added");

    Job run = cluster.job("cron", "nightly-1", Map.of(), nightly, "registry.example.com/report:1");
    cluster.pod("cron", "nightly-1-p", run, Map.of(), "registry.example.com/report:1",
        "registry.example.com/report@" + D1, false);
    awaitChanges("cron", "CronJob nightly Added", "CronJob nightly DigestChanged");

    // A later Job of its own is the first Job change; the owned one produced none before it.
    cluster.job("cron", "sentinel", Map.of(), null, "busybox:1.36");
    awaitChanges("cron", "CronJob nightly Added", "CronJob nightly DigestChanged", "Job sentinel Added");
  }

  @Test
  void podsOfAReplicaSetAreReportedWhenTheDeploymentAdoptsIt() {
    Deployment web = cluster.deployment("adopt", "web", Map.of(), "nginx:1.27");
    awaitChanges("adopt", "Deployment web Added");
    ReplicaSet orphan = cluster.replicaSet("adopt", "web-1", null, "1", "nginx:1.27");
    cluster.pod("adopt", "web-1-a", orphan, Map.of(), "nginx:1.27", "docker.io/library/nginx@" + D1, true);

    client.apps().replicaSets().inNamespace("adopt").withName("web-1").edit(rs -> {
      rs.getMetadata().setOwnerReferences(TestCluster.owners(web));
      return rs;
    });
    awaitChanges("adopt", "Deployment web Added", "Deployment web DigestChanged");
  }
}
