package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testsupport.KubeApi;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's install, {@code kubectl apply -k}, for real against a vanilla API server (no
 * Prometheus Operator, no add-ons): the read-only and the rollout install apply, twice without
 * drift; the optional Prometheus component needs the monitoring.coreos.com CRDs and applies once
 * they exist. The shared server runs no controllers, so the manager Deployment is only stored.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallOnApiServerTest {

  private static final String OPERATOR = "system:serviceaccount:vigil-system:vigil";

  /** The two Prometheus Operator kinds config/prometheus uses, schema-less but real CRDs. */
  private static final String MONITORING_CRDS = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: servicemonitors.monitoring.coreos.com}
      spec:
        group: monitoring.coreos.com
        scope: Namespaced
        names: {kind: ServiceMonitor, listKind: ServiceMonitorList, plural: servicemonitors, singular: servicemonitor}
        versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
      ---
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: prometheusrules.monitoring.coreos.com}
      spec:
        group: monitoring.coreos.com
        scope: Namespaced
        names: {kind: PrometheusRule, listKind: PrometheusRuleList, plural: prometheusrules, singular: prometheusrule}
        versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
      """;

  private final KubeApi api = KubeApi.shared();

  private String apply(String dir) throws Exception {
    return api.kubectl("apply", "-k", config(dir));
  }

  private static String config(String dir) {
    return dev.vigil.testsupport.ProjectFiles.root().resolve(dir).toString();
  }

  @Test
  @Order(1)
  void readOnlyInstallAppliesOnAVanillaClusterAndAgainWithoutChanges() throws Exception {
    String first = apply("config/default");
    assertTrue(first.contains("namespace/vigil-system"), first);
    assertTrue(first.contains("deployment.apps/vigil"), first);

    KubernetesClient admin = api.admin();
    assertEquals("restricted", admin.namespaces().withName("vigil-system").get().getMetadata().getLabels()
        .get("pod-security.kubernetes.io/enforce"));
    Deployment manager = admin.apps().deployments().inNamespace("vigil-system").withName("vigil").get();
    assertEquals("vigil", manager.getSpec().getTemplate().getSpec().getServiceAccountName());
    assertEquals("vigil", admin.serviceAccounts().inNamespace("vigil-system").withName("vigil").get()
        .getMetadata().getName());
    for (String crd : List.of("imagepolicies.vigil.dev", "imagereports.vigil.dev", "scanschedules.vigil.dev")) {
      api.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/" + crd);
    }
    assertEquals("yes", canI("create", "imagereports.vigil.dev", "-n", "default"));
    assertEquals("no", canI("patch", "deployments.apps", "-n", "default"), "read-only towards workloads");

    assertNoDrift("config/default");
  }

  @Test
  @Order(2)
  void rolloutInstallAppliesOnAVanillaClusterAndGrantsPatchingWorkloads() throws Exception {
    String out = apply("config/with-rollout");
    assertTrue(out.contains("clusterrole.rbac.authorization.k8s.io/vigil-rollout"), out);
    assertTrue(out.contains("clusterrolebinding.rbac.authorization.k8s.io/vigil-rollout"), out);
    assertEquals("yes", canI("patch", "deployments.apps", "-n", "default"));
    assertEquals("yes", canI("patch", "cronjobs.batch", "-n", "default"));
    assertEquals("no", canI("delete", "deployments.apps", "-n", "default"));

    assertNoDrift("config/with-rollout");
  }

  @Test
  @Order(3)
  void prometheusComponentNeedsTheMonitoringCrdsAndAppliesOnceTheyExist() throws Exception {
    Path crds = Files.createTempFile("monitoring-crds", ".yaml");
    Files.writeString(crds, MONITORING_CRDS);
    try {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> apply("config/with-prometheus"));
      assertTrue(refused.getMessage().contains("no matches for kind \"ServiceMonitor\""), refused.getMessage());
      assertTrue(refused.getMessage().contains("no matches for kind \"PrometheusRule\""), refused.getMessage());

      api.kubectl("apply", "-f", crds.toString());
      api.kubectl("wait", "--for=condition=Established", "--timeout=60s",
          "crd/servicemonitors.monitoring.coreos.com", "crd/prometheusrules.monitoring.coreos.com");
      String out = apply("config/with-prometheus");
      assertTrue(out.contains("servicemonitor.monitoring.coreos.com/vigil"), out);
      assertTrue(out.contains("prometheusrule.monitoring.coreos.com/vigil"), out);
      assertTrue(out.contains("configmap/vigil-grafana-dashboard"), out);
      assertEquals("app.kubernetes.io/name", api.kubectl("get", "-n", "vigil-system", "servicemonitor", "vigil",
          "-o", "jsonpath={.spec.jobLabel}"));
      assertTrue(api.kubectl("get", "-n", "vigil-system", "prometheusrule", "vigil",
          "-o", "jsonpath={.spec.groups[0].rules[*].alert}").contains("VigilOperatorDown"));
    } finally {
      // Other classes on this server see a vanilla cluster again (the CRs go with their CRDs).
      api.kubectl("delete", "--ignore-not-found", "--wait=false", "-f", crds.toString());
      api.kubectl("delete", "--ignore-not-found", "-n", "vigil-system", "configmap", "vigil-grafana-dashboard");
      Files.deleteIfExists(crds);
    }
  }

  /**
   * kubectl diff (a server-side dry run of the apply) finds nothing to change: what the API server
   * stores is what Git holds, so a GitOps tool sees no drift. (A plain second `kubectl apply` still
   * says "configured" for the CRDs: the generated printer columns carry `priority: 0`, which the
   * server drops; the server-side result is unchanged.)
   */
  private void assertNoDrift(String dir) throws Exception {
    api.kubectl("diff", "-k", config(dir));
  }

  /** kubectl auth can-i as the operator's ServiceAccount: "yes" or "no" (exit 0 or 1). */
  private String canI(String verb, String resource, String... scope) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig",
        api.kubeconfigFile().toString(), "auth", "can-i", verb, resource, "--as", OPERATOR));
    command.addAll(List.of(scope));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(p.exitValue() == 0 || p.exitValue() == 1 && out.equals("no"), "kubectl auth can-i: " + out);
    return out;
  }
}
