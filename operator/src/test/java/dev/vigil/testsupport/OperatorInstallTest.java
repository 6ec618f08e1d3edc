package dev.vigil.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shipped RBAC on a real API server: what the ServiceAccount may and may not do. */
class OperatorInstallTest {

  @Test
  void defaultInstallReadsWorkloadsButCannotPatchThem() {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("rbac-default");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    assertTrue(install.can("apps", "deployments", "list", null));
    assertTrue(install.can("vigil.dev", "imagereports", "create", "anywhere"));
    assertTrue(install.can("coordination.k8s.io", "leases", "get", ns));
    assertFalse(install.can("apps", "deployments", "patch", ns));
    assertFalse(install.can("", "secrets", "list", ns), "secrets are read one by name, never listed");
    assertFalse(install.can("coordination.k8s.io", "leases", "get", "kube-system"),
        "the Lease rights are limited to the operator's namespace");
    try (KubernetesClient client = install.client()) {
      KubernetesClientException denied = org.junit.jupiter.api.Assertions.assertThrows(
          KubernetesClientException.class, () -> client.secrets().inNamespace(ns).list());
      assertTrue(denied.getCode() == 403, denied.getMessage());
      assertNotNull(client.apps().deployments().inAnyNamespace().list());
    }
  }

  @Test
  void rolloutInstallAddsWorkloadPatchRights() {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("rbac-rollout");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.WITH_ROLLOUT);
    assertTrue(install.can("apps", "deployments", "patch", "anywhere"));
    assertTrue(install.can("batch", "cronjobs", "patch", "anywhere"));
  }

  @Test
  void controllerManagerMakesPodsForADeployment() {
    KubeApi api = KubeApi.withControllerManager();
    String ns = api.createNamespace("kcm");
    Deployment d = new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("web").withImage("registry.example/web:1").endContainer()
        .endSpec().endTemplate().endSpec().build();
    api.admin().resource(d).create();
    org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
        .until(() -> api.admin().pods().inNamespace(ns).list().getItems().size() == 2);
  }
}
