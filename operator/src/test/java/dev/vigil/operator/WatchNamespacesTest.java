package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.testsupport.RunningOperator;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** --watch-namespaces: workloads outside the watched namespaces are invisible to the operator. */
@EnableKubernetesMockClient(crud = true)
class WatchNamespacesTest {

  static KubernetesClient client;

  @Test
  void onlyWorkloadsOfWatchedNamespacesAreSelected() throws Exception {
    for (String ns : List.of("vigil-system", "payments", "shop")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    for (String ns : List.of("payments", "shop")) {
      client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
          .withNewMetadata().withName("web").withLabels(Map.of("app", "web")).endMetadata()
          .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "web")).endSelector()
          .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "web")).endMetadata()
          .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec()
          .endTemplate().endSpec().build()).create();
    }
    try (VigilOperator operator = RunningOperator.start(client, Duration.ofSeconds(1),
        RunningOperator.scanSettings("none", Set.of("payments")))) {
      ImagePolicy policy = new ImagePolicy();
      policy.setMetadata(new ObjectMetaBuilder().withName("all").withNamespace("vigil-system").build());
      policy.setSpec(new ImagePolicySpec());
      policy.getSpec().match.namespaceSelector = new LabelSelectorBuilder().build();
      client.resource(policy).create();
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        ImagePolicy p = client.resources(ImagePolicy.class).inNamespace("vigil-system").withName("all").get();
        return p.getStatus() != null && Conditions.isTrue(p.getStatus(), Conditions.READY);
      });
      ImagePolicy p = client.resources(ImagePolicy.class).inNamespace("vigil-system").withName("all").get();
      assertEquals(1, p.getStatus().matchedWorkloads, "shop/web is not watched");
    }
  }
}
