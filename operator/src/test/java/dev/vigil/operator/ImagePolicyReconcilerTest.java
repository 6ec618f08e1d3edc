package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.testsupport.Conflicts;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.RunningOperator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ImagePolicy controller on a real API server, as the read-only install's ServiceAccount: the
 * API server's schema and CEL rules admit these specs, the reconciler judges what they cannot
 * (regular expressions, referenced Secrets) and applies status server-side.
 */
class ImagePolicyReconcilerTest {

  static KubernetesClient client;
  static RunningOperator operator;
  static String opNs;
  static String payments;
  static String shop;

  @BeforeAll
  static void startOperator() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    ClusterFixture cluster = new ClusterFixture(api);
    client = api.admin();
    opNs = cluster.namespace("vigil-policies", Map.of());
    payments = cluster.namespace("payments", Map.of("team", "payments"));
    shop = cluster.namespace("shop", Map.of("team", "shop"));
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    deployment(payments, "web", Map.of("app", "web"));
    deployment(payments, "worker", Map.of("app", "worker"));
    deployment(shop, "front", Map.of("app", "web"));
    operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings("none", Set.of(opNs, payments, shop)))
        .start();
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void validPolicyIsReadyAndCountsTheWorkloadsItSelects() {
    ImagePolicy policy = policy(payments, "web-only");
    policy.getSpec().match.workloadSelector = new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build();
    client.resource(policy).create();

    Condition ready = awaitReady(payments, "web-only", "True");
    assertEquals(ImagePolicyReconciler.REASON_VALID, ready.getReason());
    ImagePolicy read = get(payments, "web-only");
    assertEquals(1, read.getStatus().matchedWorkloads);
    assertEquals(read.getMetadata().getGeneration(), read.getStatus().observedGeneration);
  }

  @Test
  void imageGlobsNarrowTheMatchedWorkloadsByTheirNormalisedImages() {
    ImagePolicy nginx = policy(payments, "nginx-images");
    nginx.getSpec().match.images = List.of("docker.io/library/nginx:*");
    client.resource(nginx).create();
    ImagePolicy elsewhere = policy(payments, "other-images");
    elsewhere.getSpec().match.images = List.of("registry.example.com/**");
    client.resource(elsewhere).create();
    awaitReady(payments, "nginx-images", "True");
    awaitReady(payments, "other-images", "True");
    assertEquals(2, get(payments, "nginx-images").getStatus().matchedWorkloads, "nginx:1.27 is docker.io/library/nginx:1.27");
    assertEquals(0, get(payments, "other-images").getStatus().matchedWorkloads);
  }

  @Test
  void policyOutsideTheOperatorNamespaceIgnoresItsNamespaceSelector() {
    ImagePolicy policy = policy(shop, "reach-out");
    policy.getSpec().match.namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("team", "payments")).build();
    client.resource(policy).create();
    awaitReady(shop, "reach-out", "True");
    assertEquals(1, get(shop, "reach-out").getStatus().matchedWorkloads, "only shop/front");
  }

  @Test
  void policyInTheOperatorNamespaceSelectsNamespacesByLabel() {
    ImagePolicy policy = policy(opNs, "cluster-web");
    policy.getSpec().match.namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("team", "payments")).build();
    client.resource(policy).create();
    awaitReady(opNs, "cluster-web", "True");
    assertEquals(2, get(opNs, "cluster-web").getStatus().matchedWorkloads);
  }

  @Test
  void invalidSpecIsReportedWithTheFieldAndAWarningEventThenFixedBySpecChange() {
    ImagePolicy policy = policy(payments, "bad-regex");
    ImagePolicySpec.Identity identity = new ImagePolicySpec.Identity();
    identity.issuer = "https://token.actions.githubusercontent.com";
    identity.subjectRegExp = "^https://github.com/acme/(unclosed$";
    ImagePolicySpec.Authority authority = new ImagePolicySpec.Authority();
    authority.name = "ci";
    authority.keyless = new ImagePolicySpec.Keyless();
    authority.keyless.identities = List.of(identity);
    policy.getSpec().signatures.mode = ImagePolicySpec.Signatures.Mode.Enforce;
    policy.getSpec().signatures.authorities = List.of(authority);
    client.resource(policy).create();

    Condition ready = awaitReady(payments, "bad-regex", "False");
    assertEquals(ImagePolicyReconciler.REASON_INVALID_SPEC, ready.getReason());
    assertTrue(ready.getMessage().startsWith(
        "spec.signatures.authorities[0].keyless.identities[0].subjectRegExp: invalid regular expression"),
        ready.getMessage());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<Event> events = client.v1().events().inNamespace(payments).list().getItems().stream()
          .filter(e -> "bad-regex".equals(e.getInvolvedObject().getName())).toList();
      assertEquals(1, events.size());
      assertEquals("Warning", events.get(0).getType());
      assertEquals("InvalidSpec", events.get(0).getReason());
    });

    Conflicts.retry(() -> client.resources(ImagePolicy.class).inNamespace(payments).withName("bad-regex").edit(p -> {
      p.getSpec().signatures.authorities.get(0).keyless.identities.get(0).subjectRegExp =
          "^https://github\\.com/acme/.+$";
      return p;
    }));
    Condition fixed = awaitReady(payments, "bad-regex", "True");
    assertEquals(ImagePolicyReconciler.REASON_VALID, fixed.getReason());
    ImagePolicy read = get(payments, "bad-regex");
    assertEquals(2L, read.getStatus().observedGeneration);
  }

  @Test
  void missingKeySecretMakesThePolicyInvalidUntilTheSecretExists() {
    ImagePolicy policy = policy(payments, "keyed");
    ImagePolicySpec.Authority authority = new ImagePolicySpec.Authority();
    authority.name = "release";
    authority.key = new ImagePolicySpec.KeyRef();
    authority.key.secretRef = new dev.vigil.api.LocalObjectKeyRef("cosign-pub", "cosign.pub");
    policy.getSpec().signatures.mode = ImagePolicySpec.Signatures.Mode.Audit;
    policy.getSpec().signatures.authorities = List.of(authority);
    client.resource(policy).create();
    Condition ready = awaitReady(payments, "keyed", "False");
    assertEquals("spec.signatures.authorities[0].key.secretRef: Secret " + payments + "/cosign-pub does not exist",
        ready.getMessage());

    client.secrets().inNamespace(payments).resource(new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("cosign-pub").build())
        .withStringData(Map.of("cosign.pub", "-----BEGIN PUBLIC KEY-----\n...")).build()).create();
    // A spec edit triggers the reconcile at once; in a cluster the periodic resync does.
    Conflicts.retry(() -> client.resources(ImagePolicy.class).inNamespace(payments).withName("keyed").edit(p -> {
      p.getSpec().vulnerabilities.ignoreUnfixed = true;
      return p;
    }));
    awaitReady(payments, "keyed", "True");
  }

  private static Condition awaitReady(String ns, String name, String status) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      ImagePolicy p = get(ns, name);
      return p != null && p.getStatus() != null
          && Conditions.find(p.getStatus(), Conditions.READY).map(c -> status.equals(c.getStatus())).orElse(false)
          && p.getMetadata().getGeneration().equals(p.getStatus().observedGeneration);
    });
    return Conditions.find(get(ns, name).getStatus(), Conditions.READY).orElseThrow();
  }

  private static ImagePolicy get(String ns, String name) {
    return client.resources(ImagePolicy.class).inNamespace(ns).withName(name).get();
  }

  private static ImagePolicy policy(String ns, String name) {
    ImagePolicy p = new ImagePolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    p.setSpec(new ImagePolicySpec());
    return p;
  }

  private static void deployment(String ns, String name, Map<String, String> labels) {
    client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("nginx:1.27").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
  }
}
