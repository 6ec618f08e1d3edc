package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.RunningOperator;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** --watch-namespaces: workloads outside the watched namespaces are invisible to the operator. */
class WatchNamespacesTest {

  @Test
  void onlyWorkloadsOfWatchedNamespacesAreSelected() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    ClusterFixture cluster = new ClusterFixture(api);
    KubernetesClient admin = api.admin();
    String opNs = cluster.namespace("vigil-watch", Map.of());
    String payments = cluster.namespace("payments", Map.of());
    String shop = cluster.namespace("shop", Map.of());
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    for (String ns : List.of(payments, shop)) {
      cluster.deployment(ns, "web", ClusterFixture.podSpec("web", "nginx:1.27", null));
    }
    try (RunningOperator operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings("none", Set.of(payments))).start()) {
      ImagePolicy policy = ClusterFixture.policy(opNs, "all");
      policy.getSpec().match.namespaceSelector = new LabelSelectorBuilder().build();
      admin.resource(policy).create();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        ImagePolicy p = admin.resources(ImagePolicy.class).inNamespace(opNs).withName("all").get();
        return p.getStatus() != null && Conditions.isTrue(p.getStatus(), Conditions.READY);
      });
      ImagePolicy p = admin.resources(ImagePolicy.class).inNamespace(opNs).withName("all").get();
      assertEquals(1, p.getStatus().matchedWorkloads,
          "the whole server's workloads minus everything outside " + payments + ": its web only");
    }
  }
}
