package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.ProjectFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Renders the kustomize install with the real kubectl and checks what it would grant. */
class InstallManifestsTest {

  private static List<JsonNode> render(String dir) {
    return OperatorInstall.render(dir);
  }

  private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  /** One rule flattened to "group|resource|verb" triples, for exact comparison. */
  private static Set<String> grants(List<JsonNode> roles) {
    Set<String> out = new TreeSet<>();
    for (JsonNode role : roles) {
      for (JsonNode rule : role.path("rules")) {
        for (JsonNode g : rule.path("apiGroups")) {
          for (JsonNode r : rule.path("resources")) {
            for (JsonNode v : rule.path("verbs")) {
              out.add(role.at("/metadata/name").asText() + " " + g.asText() + "|" + r.asText() + "|" + v.asText());
            }
          }
        }
      }
    }
    return out;
  }

  private static Set<String> expand(String role, String group, List<String> resources, List<String> verbs) {
    Set<String> out = new TreeSet<>();
    for (String r : resources) {
      for (String v : verbs) {
        out.add(role + " " + group + "|" + r + "|" + v);
      }
    }
    return out;
  }

  @Test
  void defaultInstallGrantsExactlyTheDeclaredReadOnlyRights() throws Exception {
    List<JsonNode> docs = render("config/default");
    Set<String> expected = new TreeSet<>();
    String m = "vigil-manager";
    expected.addAll(expand(m, "vigil.dev", List.of("imagepolicies", "scanschedules"), List.of("get", "list", "watch")));
    expected.addAll(expand(m, "vigil.dev",
        List.of("imagepolicies/status", "scanschedules/status", "imagereports/status"), List.of("get", "patch")));
    expected.addAll(expand(m, "vigil.dev", List.of("imagereports"),
        List.of("get", "list", "watch", "create", "patch", "delete")));
    // Stored analyses: read by name, no watch (no informer holds them all in the heap).
    expected.addAll(expand(m, "vigil.dev", List.of("imageanalyses"),
        List.of("get", "list", "create", "update", "patch", "delete")));
    expected.addAll(expand(m, "apps", List.of("deployments", "statefulsets", "daemonsets", "replicasets"),
        List.of("get", "list", "watch")));
    expected.addAll(expand(m, "batch", List.of("cronjobs", "jobs"), List.of("get", "list", "watch")));
    expected.addAll(expand(m, "", List.of("pods", "namespaces", "serviceaccounts"), List.of("get", "list", "watch")));
    expected.addAll(expand(m, "", List.of("secrets", "configmaps"), List.of("get")));
    expected.addAll(expand(m, "", List.of("events"), List.of("create", "patch")));
    expected.addAll(expand("vigil-leader-election", "coordination.k8s.io", List.of("leases"),
        List.of("get", "list", "watch", "create", "update", "patch", "delete")));

    List<JsonNode> roles = new ArrayList<>(ofKind(docs, "ClusterRole"));
    roles.addAll(ofKind(docs, "Role"));
    Set<String> granted = grants(roles);
    assertEquals(expected, granted);
    assertFalse(granted.stream().anyMatch(g -> g.contains("*")), "no wildcard verbs or resources");
    assertEquals("vigil-system", ofKind(docs, "Role").get(0).at("/metadata/namespace").asText(),
        "the Lease right is namespaced");
  }

  @Test
  void rolloutComponentAddsOnlyPatchRightsOnWorkloads() throws Exception {
    Set<String> base = grants(ofKind(render("config/default"), "ClusterRole"));
    Set<String> with = grants(ofKind(render("config/with-rollout"), "ClusterRole"));
    with.removeAll(base);
    Set<String> expected = new TreeSet<>();
    expected.addAll(expand("vigil-rollout", "apps", List.of("deployments", "statefulsets", "daemonsets"),
        List.of("patch")));
    expected.addAll(expand("vigil-rollout", "batch", List.of("cronjobs"), List.of("patch")));
    assertEquals(expected, with);
  }

  /** API versions every Kubernetes cluster serves (Vigil's CRDs come with the install). */
  private static final Set<String> VANILLA_API_VERSIONS =
      Set.of("v1", "apps/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1");

  @Test
  void defaultAndRolloutInstallsNeedNoApiBeyondPlainKubernetes() throws Exception {
    for (String dir : List.of("config/default", "config/with-rollout")) {
      for (JsonNode d : render(dir)) {
        assertTrue(VANILLA_API_VERSIONS.contains(d.path("apiVersion").asText()),
            dir + " must apply on a cluster without add-ons, but renders " + d.path("apiVersion").asText()
                + " " + d.path("kind").asText() + " " + d.at("/metadata/name").asText());
      }
    }
  }

  @Test
  void prometheusComponentAddsOnlyTheMonitoringObjectsInTheOperatorNamespace() throws Exception {
    Set<String> base = identities(render("config/default"));
    List<JsonNode> withPrometheus = render("config/with-prometheus");
    Set<String> added = identities(withPrometheus);
    assertTrue(added.containsAll(base), "the default install stays as it is");
    added.removeAll(base);
    assertEquals(Set.of(
        "monitoring.coreos.com/v1 ServiceMonitor vigil-system/vigil",
        "monitoring.coreos.com/v1 PrometheusRule vigil-system/vigil",
        "v1 ConfigMap vigil-system/vigil-grafana-dashboard"), added);
    assertPartOfVigil(withPrometheus);
  }

  @Test
  void rolloutAndPrometheusComponentsCombineInAnOverlayAndFollowItsNamespace() throws Exception {
    Path overlay = Files.createTempDirectory("vigil-overlay");
    String config = overlay.relativize(ProjectFiles.root().resolve("config")).toString();
    try {
      // kustomize refuses absolute paths to other kustomizations.
      Files.writeString(overlay.resolve("kustomization.yaml"), String.join("\n",
          "namespace: security",
          "resources: [" + config + "/default]",
          "components: [" + config + "/rollout, " + config + "/prometheus]", ""));
      List<JsonNode> docs = render(overlay.toString());
      Set<String> kinds = new TreeSet<>();
      for (JsonNode d : docs) {
        String kind = d.path("kind").asText();
        kinds.add(kind);
        if (!CLUSTER_SCOPED.contains(kind)) {
          assertEquals("security", d.at("/metadata/namespace").asText(), kind + " " + d.at("/metadata/name"));
        }
      }
      assertTrue(kinds.containsAll(Set.of("ServiceMonitor", "PrometheusRule", "ConfigMap")), kinds.toString());
      assertEquals(2, ofKind(docs, "ClusterRoleBinding").size(), "vigil-manager and vigil-rollout");
      for (JsonNode binding : ofKind(docs, "ClusterRoleBinding")) {
        assertEquals("security", binding.at("/subjects/0/namespace").asText(), binding.toString());
      }
    } finally {
      Files.deleteIfExists(overlay.resolve("kustomization.yaml"));
      Files.deleteIfExists(overlay);
    }
  }

  private static final Set<String> CLUSTER_SCOPED =
      Set.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding");

  private static Set<String> identities(List<JsonNode> docs) {
    Set<String> out = new TreeSet<>();
    for (JsonNode d : docs) {
      String ns = d.at("/metadata/namespace").asText();
      out.add(d.path("apiVersion").asText() + " " + d.path("kind").asText() + " "
          + (ns.isEmpty() ? "" : ns + "/") + d.at("/metadata/name").asText());
    }
    return out;
  }

  /** Every object carries the label an uninstall selects by. */
  private static void assertPartOfVigil(List<JsonNode> docs) {
    for (JsonNode d : docs) {
      assertEquals("vigil", d.at("/metadata/labels/app.kubernetes.io~1part-of").asText(),
          d.path("kind").asText() + " " + d.at("/metadata/name").asText()
              + " lacks app.kubernetes.io/part-of=vigil (kubectl delete -l would leave it behind)");
    }
  }

  @Test
  void everythingNamespacedLandsInVigilSystemAndBindingsNameTheServiceAccount() throws Exception {
    List<JsonNode> docs = render("config/with-rollout");
    assertEquals(4, ofKind(docs, "CustomResourceDefinition").size());
    for (JsonNode d : docs) {
      String kind = d.path("kind").asText();
      if (CLUSTER_SCOPED.contains(kind)) {
        continue;
      }
      assertEquals("vigil-system", d.at("/metadata/namespace").asText(), kind + " " + d.at("/metadata/name"));
    }
    assertEquals(2, ofKind(docs, "ClusterRoleBinding").size());
    for (JsonNode binding : ofKind(docs, "ClusterRoleBinding")) {
      assertEquals("vigil-system", binding.at("/subjects/0/namespace").asText());
      assertEquals("vigil", binding.at("/subjects/0/name").asText());
    }
    assertPartOfVigil(docs);
  }

  @Test
  void managerRunsHardenedWithProbesAndLimits() throws Exception {
    JsonNode deployment = ofKind(render("config/default"), "Deployment").get(0);
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode c = pod.at("/containers/0");
    assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
    assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText());
    assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean());
    assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
    assertEquals("ALL", c.at("/securityContext/capabilities/drop/0").asText());
    assertEquals("/healthz", c.at("/livenessProbe/httpGet/path").asText());
    assertEquals("/readyz", c.at("/readinessProbe/httpGet/path").asText());
    assertFalse(c.at("/resources/requests/memory").isMissingNode());
    assertFalse(c.at("/resources/limits/memory").isMissingNode());
    assertEquals("ghcr.io/vigil-dev/vigil:0.1.0", c.path("image").asText());
    assertEquals("operator", c.at("/args/0").asText());
  }
}
