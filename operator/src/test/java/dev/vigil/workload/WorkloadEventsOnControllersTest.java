package dev.vigil.workload;

import static dev.vigil.workload.TestCluster.D1;
import static dev.vigil.workload.TestCluster.D2;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.testsupport.Conflicts;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Workload changes while real controllers work (kube-controller-manager beside the API server):
 * the deployment controller makes the ReplicaSets and pods, writes status all along and the
 * garbage collector removes what a deleted Deployment owned. The test plays only the kubelet.
 * Status churn, ReplicaSets and pod replacement must yield exactly one change per event that
 * matters.
 */
class WorkloadEventsOnControllersTest {

  private static final String REPO = "registry.example.com/api";

  /** The kubelet's part: pods not started yet start, Ready, with the digest their tag names. */
  private static void startNewPods(KubernetesClient admin, String namespace) {
    for (Pod pod : admin.pods().inNamespace(namespace).list().getItems()) {
      if (!pod.getStatus().getContainerStatuses().isEmpty() || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      try {
        Kubelet.runAll(admin, List.of(pod), WorkloadEventsOnControllersTest::imageIdOf, true);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) { // else deleted by its ReplicaSet meanwhile
          throw e;
        }
      }
    }
  }

  private static String imageIdOf(Container c) {
    return REPO + "@" + (c.getImage().endsWith(":1") ? D1 : D2);
  }

  @Test
  void aDeploymentRolledOutByItsControllerGivesOneChangePerImageAndDigest() {
    KubeApi api = KubeApi.withControllerManager();
    KubernetesClient admin = api.admin();
    String ns = api.createNamespace("events-kcm");
    List<String> changes = new CopyOnWriteArrayList<>();
    try (KubernetesClient operator = OperatorInstall.apply(api, api.createNamespace("events-kcm-op"),
            OperatorInstall.Overlay.DEFAULT).client();
        WorkloadIndex index = new WorkloadIndex(operator, Set.of(ns))) {
      index.events().addListener(c -> changes.add(c.kind() + " " + c.name() + " " + c.type()));
      index.startAndAwaitSync(Duration.ofSeconds(60));

      new TestCluster(api).deployment(ns, "api", Map.of(), REPO + ":1");
      await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
        startNewPods(admin, ns);
        assertEquals(List.of("Deployment api Added", "Deployment api DigestChanged"), changes);
      });

      Conflicts.retry(() -> admin.apps().deployments().inNamespace(ns).withName("api").edit(d -> {
        d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(REPO + ":2");
        return d;
      }));
      await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
        startNewPods(admin, ns);
        assertEquals(List.of("Deployment api Added", "Deployment api DigestChanged",
            "Deployment api ImagesChanged", "Deployment api DigestChanged"), changes);
        assertEquals(D2, index.images(index.workload(dev.vigil.api.WorkloadKind.Deployment, ns, "api")
            .orElseThrow()).get(0).digest());
        assertEquals(1, admin.pods().inNamespace(ns).list().getItems().size(), "the old pod is gone");
      });

      admin.apps().deployments().inNamespace(ns).withName("api").delete();
      await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
        assertEquals(0, admin.pods().inNamespace(ns).list().getItems().size(), "collected");
        assertEquals(List.of("Deployment api Added", "Deployment api DigestChanged",
            "Deployment api ImagesChanged", "Deployment api DigestChanged", "Deployment api Deleted"), changes);
      });
    }
  }
}
