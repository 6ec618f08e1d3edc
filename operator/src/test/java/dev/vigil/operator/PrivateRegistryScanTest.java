package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Images in a registry that wants credentials: the operator reads the pull secrets a pod names,
 * directly or through its ServiceAccount, with single GETs the read-only RBAC allows, from
 * Secrets the API server has validated as {@code kubernetes.io/dockerconfigjson}.
 */
class PrivateRegistryScanTest {

  @Test
  void pullSecretsOfThePodAndOfItsServiceAccountAreUsed() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    ClusterFixture cluster = new ClusterFixture(api);
    KubernetesClient admin = api.admin();
    String opNs = cluster.namespace("vigil-private", Map.of());
    // Selected by a label of this test's own: a schedule left behind covers nothing of other tests.
    String team = cluster.namespace("team", Map.of("vigil.dev/scan", opNs));
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("team").withNamespace(opNs).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().schedule = "0 3 * * *";
    schedule.getSpec().namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("vigil.dev/scan", opNs)).build();
    admin.resource(schedule).create();

    try (LocalRegistry registry = LocalRegistry.builder().basicAuth("puller", "s3cret-pass").start()) {
      PushedImage image = registry.pusher().push("team/web", "1.0", SampleImages.ubuntuWithCurl());
      String auth = Base64.getEncoder().encodeToString("puller:s3cret-pass".getBytes(StandardCharsets.UTF_8));
      String dockerConfig = "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}";
      admin.resource(new SecretBuilder().withNewMetadata().withName("regcred").withNamespace(team).endMetadata()
          .withType("kubernetes.io/dockerconfigjson")
          .withData(Map.of(".dockerconfigjson",
              Base64.getEncoder().encodeToString(dockerConfig.getBytes(StandardCharsets.UTF_8))))
          .build()).create();
      admin.resource(new ServiceAccountBuilder().withNewMetadata().withName("builder").withNamespace(team).endMetadata()
          .withImagePullSecrets(new LocalObjectReference("regcred")).build()).create();

      PodSpec direct = ClusterFixture.podSpec("web", image.reference().toString(), null);
      direct.setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
      cluster.deployment(team, "direct", direct);
      PodSpec viaAccount = ClusterFixture.podSpec("web", image.reference().toString(), null);
      viaAccount.setServiceAccountName("builder");
      cluster.deployment(team, "via-account", viaAccount);
      cluster.deployment(team, "without", ClusterFixture.podSpec("web", image.reference().toString(), null));

      try (RunningOperator operator = RunningOperator.in(install)
          .scan(RunningOperator.scanSettings("none", Set.of(team))).start()) {
        for (String workload : List.of("direct", "via-account")) {
          ImageReport report = awaitScanned(admin, team, workload, "True");
          assertEquals(image.digest(), report.getStatus().image.digest, workload);
        }
        ImageReport without = awaitScanned(admin, team, "without", "False");
        String message = Conditions.find(without.getStatus(), "Scanned").orElseThrow().getMessage();
        assertEquals(true, message.contains("401"), message);
      }
    }
  }

  private static ImageReport awaitScanned(KubernetesClient admin, String ns, String workload, String scanned) {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      ImageReport r = admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-" + workload + "-web").get();
      return r != null && r.getStatus() != null
          && Conditions.find(r.getStatus(), "Scanned").map(c -> scanned.equals(c.getStatus())).orElse(false);
    });
    return admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-" + workload + "-web").get();
  }
}
