package dev.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.testsupport.KubeApi;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

/** The committed CRDs as a real kube-apiserver judges them. */
class CrdsOnApiServerTest {

  @Test
  void everyCommittedCrdIsAcceptedAndEstablished() {
    KubeApi api = KubeApi.shared().withCrds();
    KubernetesClient admin = api.admin();
    for (CustomResourceDefinition crd : KubeApi.committedCrds()) {
      CustomResourceDefinition stored = admin.apiextensions().v1().customResourceDefinitions()
          .withName(crd.getMetadata().getName()).get();
      assertEquals("True", stored.getStatus().getConditions().stream()
          .filter(c -> "Established".equals(c.getType())).findFirst().orElseThrow().getStatus());
    }
  }
}
