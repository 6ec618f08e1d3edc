package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Vigil's ServiceAccount and RBAC exactly as {@code kubectl kustomize config/default} (or
 * {@code config/with-rollout}) renders them, applied to a test API server for one operator
 * namespace. Only names and namespaces are changed, so that several test classes can share one API
 * server: the rules are the shipped ones, grant for grant. The operator under test then runs with
 * {@link #client()}, never as cluster admin, so a missing grant fails a test with a 403 and a
 * superfluous one is visible in the rendered rules that {@code InstallManifestsTest} pins.
 */
public final class OperatorInstall {

  /** The kustomize overlays a test can install. */
  public enum Overlay {
    DEFAULT("config/default"),
    WITH_ROLLOUT("config/with-rollout");

    final String dir;

    Overlay(String dir) {
      this.dir = dir;
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> RBAC_KINDS =
      Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

  private final KubeApi api;
  private final String namespace;
  private final String serviceAccount;
  private final List<GenericKubernetesResource> applied;

  private OperatorInstall(KubeApi api, String namespace, String serviceAccount,
      List<GenericKubernetesResource> applied) {
    this.api = api;
    this.namespace = namespace;
    this.serviceAccount = serviceAccount;
    this.applied = applied;
  }

  /**
   * Applies the overlay's ServiceAccount and RBAC for an operator running in {@code namespace}
   * (which must exist), and waits until the API server's authorizer sees the grants.
   */
  public static OperatorInstall apply(KubeApi api, String namespace, Overlay overlay) {
    List<JsonNode> rendered = render(overlay.dir);
    List<GenericKubernetesResource> objects = new ArrayList<>();
    String serviceAccount = null;
    for (JsonNode doc : rendered) {
      String kind = doc.path("kind").asText();
      if (!RBAC_KINDS.contains(kind)) {
        continue;
      }
      ObjectNode object = doc.deepCopy();
      ObjectNode metadata = (ObjectNode) object.get("metadata");
      switch (kind) {
        case "ServiceAccount" -> {
          metadata.put("namespace", namespace);
          serviceAccount = metadata.path("name").asText();
        }
        case "Role", "RoleBinding" -> metadata.put("namespace", namespace);
        // Cluster-scoped bindings are per test namespace; the ClusterRoles are shared as rendered.
        case "ClusterRoleBinding" -> metadata.put("name", metadata.path("name").asText() + "-" + namespace);
        default -> { }
      }
      if (object.has("subjects")) {
        for (JsonNode subject : (ArrayNode) object.get("subjects")) {
          ((ObjectNode) subject).put("namespace", namespace);
        }
      }
      objects.add(Serialization.unmarshal(object.toString(), GenericKubernetesResource.class));
    }
    if (serviceAccount == null) {
      throw new IllegalStateException(overlay.dir + " renders no ServiceAccount");
    }
    KubernetesClient admin = api.admin();
    for (GenericKubernetesResource object : objects) {
      admin.resource(object).fieldManager("vigil-tests").forceConflicts().serverSideApply();
    }
    OperatorInstall install = new OperatorInstall(api, namespace, serviceAccount, objects);
    install.awaitGrant("vigil.dev", "imagereports", "create", null);
    return install;
  }

  /** What {@code kubectl kustomize DIR} renders, one node per document. */
  public static List<JsonNode> render(String dir) {
    try {
      Process p = new ProcessBuilder("kubectl", "kustomize", ProjectFiles.root().resolve(dir).toString()).start();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + err);
      }
      List<JsonNode> docs = new ArrayList<>();
      try (YAMLParser parser = new YAMLFactory().createParser(out)) {
        YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String namespace() {
    return namespace;
  }

  public String serviceAccount() {
    return serviceAccount;
  }

  /** The RBAC objects as applied (after the namespace and name changes). */
  public List<GenericKubernetesResource> applied() {
    return applied;
  }

  /** A new client authenticated as the operator's ServiceAccount. The caller closes it. */
  public KubernetesClient client() {
    return api.clientAs(namespace, serviceAccount);
  }

  /** A kubeconfig file holding only the ServiceAccount's token, for {@code java -jar vigil.jar operator}. */
  public Path kubeconfig() throws IOException {
    return api.kubeconfigAs(namespace, serviceAccount);
  }

  /** Whether the ServiceAccount may do this, as the API server's authorizer says. */
  public boolean can(String group, String resource, String verb, String inNamespace) {
    try (KubernetesClient client = client()) {
      SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder()
          .withNewSpec().withNewResourceAttributes()
          .withGroup(group).withResource(resource).withVerb(verb).withNamespace(inNamespace)
          .endResourceAttributes().endSpec().build();
      return client.authorization().v1().selfSubjectAccessReview().create(review).getStatus().getAllowed();
    }
  }

  private void awaitGrant(String group, String resource, String verb, String inNamespace) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!can(group, resource, verb, inNamespace)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("RBAC for " + serviceAccount + " not effective after 30 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
