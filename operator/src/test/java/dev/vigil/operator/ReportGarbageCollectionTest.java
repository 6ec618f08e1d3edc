package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ImageReports are owned by their workload: with the operator stopped, Kubernetes' garbage
 * collector (kube-controller-manager) deletes them together with the workload.
 */
class ReportGarbageCollectionTest {

  @Test
  void deletingAWorkloadWhileTheOperatorIsDownLetsTheGarbageCollectorDeleteItsReports() throws Exception {
    KubeApi api = KubeApi.withControllerManager().withCrds();
    ClusterFixture cluster = new ClusterFixture(api);
    KubernetesClient admin = api.admin();
    String opNs = cluster.namespace("vigil-gc", Map.of());
    String team = cluster.namespace("team", Map.of());
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    // A team's own schedule covers its namespace (and, its workload deleted, nothing after this test).
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("team").withNamespace(team).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().schedule = "0 3 * * *";
    admin.resource(schedule).create();

    try (LocalRegistry registry = LocalRegistry.start()) {
      PushedImage image = registry.pusher().push("team/web", "1.0", SampleImages.ubuntuWithCurl());
      Deployment web = cluster.deployment(team, "web", ClusterFixture.podSpec("web", image.reference().toString(), null));
      // The ReplicaSet controller makes the pod; the test is its kubelet.
      await().atMost(Duration.ofSeconds(60)).until(() -> !admin.pods().inNamespace(team).list().getItems().isEmpty());
      Pod pod = admin.pods().inNamespace(team).list().getItems().get(0);
      cluster.kubelet(pod, c -> ClusterFixture.imageId(registry.host() + "/team/web", image.digest()));

      try (RunningOperator operator = RunningOperator.in(install)
          .scan(RunningOperator.scanSettings("none", Set.of(team))).start()) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
          ImageReport r = report(admin, team);
          return r != null && r.getStatus() != null && r.getStatus().image != null
              && image.digest().equals(r.getStatus().image.digest);
        });
      }
      assertEquals(web.getMetadata().getUid(), report(admin, team).getMetadata().getOwnerReferences().get(0).getUid());

      admin.apps().deployments().inNamespace(team).withName("web").delete();
      await().atMost(Duration.ofSeconds(120)).until(() -> report(admin, team) == null
          && admin.pods().inNamespace(team).list().getItems().isEmpty());
    }
  }

  private static ImageReport report(KubernetesClient admin, String ns) {
    return admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-web-web").get();
  }
}
