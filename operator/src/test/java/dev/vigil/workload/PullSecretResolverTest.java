package dev.vigil.workload;

import dev.vigil.testsupport.MutableClock;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.api.WorkloadKind;
import dev.vigil.registry.Credential;
import dev.vigil.registry.RegistryCredentials;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Pull secrets read from a real API server by Vigil's ServiceAccount with the shipped RBAC (single
 * GETs of secrets and ServiceAccounts; listing secrets is not granted). The API server validates
 * typed secrets itself: a {@code kubernetes.io/dockerconfigjson} secret must hold JSON, so the
 * unusable ones here are those it accepts.
 */
class PullSecretResolverTest {

  static KubeApi api;
  static KubernetesClient admin;
  static KubernetesClient client;
  static String team;

  private static final Credential POD_CRED = new Credential("pod-user", "pod-secret-pw");
  private static final Credential SA_CRED = new Credential("sa-user", "sa-secret-pw");
  private static final Credential LEGACY_CRED = new Credential("old-user", "old-secret-pw");
  private static final Credential DEFAULT_CRED = new Credential("default-user", "default-secret-pw");


  @AfterAll
  static void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @BeforeAll
  static void secretsAndServiceAccounts() {
    api = KubeApi.shared();
    admin = api.admin();
    team = api.createNamespace("team");
    client = OperatorInstall.apply(api, api.createNamespace("pull-secrets-op"), OperatorInstall.Overlay.DEFAULT)
        .client();
    secret("regcred", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        "{\"auths\":{\"registry.example.com\":{\"username\":\"pod-user\",\"password\":\"pod-secret-pw\"}}}");
    secret("team-cred", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        "{\"auths\":{\"https://registry.example.com\":{\"auth\":\"" + base64("sa-user:sa-secret-pw") + "\"}}}");
    secret("legacy", RegistryCredentials.TYPE_DOCKERCFG, ".dockercfg",
        "{\"legacy.example.com\":{\"auth\":\"" + base64("old-user:old-secret-pw") + "\",\"email\":\"ops@example.com\"}}");
    secret("default-cred", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        "{\"auths\":{\"ghcr.io\":{\"username\":\"default-user\",\"password\":\"default-secret-pw\"}}}");
    // JSON to the API server (Go reads invalid UTF-8 in strings), malformed to Jackson.
    secret("broken", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        concat("{\"auths\":{\"registry.example.com\":{\"password\":\"leaky-secret-text", new byte[] {(byte) 0xff},
            "\"}}}"));
    secret("opaque", "Opaque", "token", "opaque-secret-value");
    serviceAccount("builder", "team-cred", "legacy", "sa-missing");
    serviceAccount("default", "default-cred");
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(String before, byte[] raw, String after) {
    byte[] a = before.getBytes(StandardCharsets.UTF_8);
    byte[] b = after.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[a.length + raw.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(raw, 0, out, a.length, raw.length);
    System.arraycopy(b, 0, out, a.length + raw.length, b.length);
    return out;
  }

  private static void secret(String name, String type, String key, String content) {
    secret(name, type, key, content.getBytes(StandardCharsets.UTF_8));
  }

  private static void secret(String name, String type, String key, byte[] content) {
    admin.secrets().inNamespace(team).resource(new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).build())
        .withType(type).withData(Map.of(key, Base64.getEncoder().encodeToString(content))).build()).create();
  }

  private static void serviceAccount(String name, String... secrets) {
    ServiceAccountBuilder builder = new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata();
    for (String secret : secrets) {
      builder.addNewImagePullSecret().withName(secret).endImagePullSecret();
    }
    admin.serviceAccounts().inNamespace(team).resource(builder.build()).create();
  }

  private static Workload deployment(String serviceAccount, String... pullSecrets) {
    PodSpecBuilder spec = new PodSpecBuilder().withServiceAccountName(serviceAccount)
        .addNewContainer().withName("app").withImage("registry.example.com/team/app:1").endContainer();
    for (String secret : pullSecrets) {
      spec.addNewImagePullSecret().withName(secret).endImagePullSecret();
    }
    PodSpec podSpec = spec.build();
    return new Workload(WorkloadKind.Deployment, new DeploymentBuilder()
        .withNewMetadata().withNamespace(team).withName("app").endMetadata()
        .withNewSpec().withNewTemplate().withSpec(podSpec).endTemplate().endSpec().build(), podSpec);
  }

  @Test
  void podSecretsComeFirstThenTheServiceAccountsMissingAndUnusableOnesSkipped() {
    RegistryCredentials credentials = new PullSecretResolver(client)
        .credentialsFor(deployment("builder", "regcred", "gone", "broken", "opaque"));

    assertEquals(List.of(POD_CRED, SA_CRED), credentials.lookup("registry.example.com/team/app"));
    assertEquals(List.of(LEGACY_CRED), credentials.lookup("legacy.example.com/old/app"));
    assertEquals(List.of(), credentials.lookup("ghcr.io/org/app"), "the default SA is not used when one is named");
  }

  @Test
  void unnamedServiceAccountMeansDefault() {
    RegistryCredentials credentials = new PullSecretResolver(client).credentialsFor(deployment(null));
    assertEquals(List.of(DEFAULT_CRED), credentials.lookup("ghcr.io/org/app"));
  }

  @Test
  void missingServiceAccountLeavesThePodSecrets() {
    RegistryCredentials credentials = new PullSecretResolver(client).credentialsFor(deployment("ghost", "regcred"));
    assertEquals(List.of(POD_CRED), credentials.lookup("registry.example.com/team/app"));
    assertEquals(List.of(), credentials.lookup("ghcr.io/org/app"));
  }

  @Test
  void secretsAreCachedUntilTheTimeToLivePasses() {
    secret("rotating", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        "{\"auths\":{\"quay.io\":{\"username\":\"r\",\"password\":\"r-pw\"}}}");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    PullSecretResolver resolver = new PullSecretResolver(client, clock, Duration.ofSeconds(60));
    Workload workload = deployment("ghost", "rotating");
    assertEquals(List.of(new Credential("r", "r-pw")), resolver.credentialsFor(workload).lookup("quay.io/a/b"));

    admin.secrets().inNamespace(team).withName("rotating").delete();
    clock.advance(Duration.ofSeconds(59));
    assertEquals(List.of(new Credential("r", "r-pw")), resolver.credentialsFor(workload).lookup("quay.io/a/b"));

    clock.advance(Duration.ofSeconds(2));
    assertTrue(resolver.credentialsFor(workload).isEmpty());
  }

  /** What the resolver logs (DEBUG and up) while {@code step} runs. */
  private static List<String> logsOf(Runnable step) {
    Logger logger = (Logger) LoggerFactory.getLogger(PullSecretResolver.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(appender);
    try {
      step.run();
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void logsNameSkippedSecretsButNeverTheirContent() {
    List<String> messages = logsOf(() -> new PullSecretResolver(client)
        .credentialsFor(deployment("builder", "regcred", "gone", "broken", "opaque")));
    assertEquals(List.of(
            "image pull secret " + team + "/gone does not exist; skipped",
            "image pull secret " + team + "/broken (type kubernetes.io/dockerconfigjson) holds no usable registry"
                + " credentials: malformed JSON; skipped",
            "image pull secret " + team + "/opaque (type Opaque) holds no usable registry credentials: secret type"
                + " \"Opaque\" holds no registry credentials (expected kubernetes.io/dockerconfigjson or"
                + " kubernetes.io/dockercfg); skipped",
            "image pull secret " + team + "/sa-missing does not exist; skipped"),
        messages);
    for (String message : messages) {
      assertFalse(message.contains("secret-pw") || message.contains("leaky") || message.contains("opaque-secret"),
          message);
    }
  }

  @Test
  void forbiddenReadsAreWarnedWithTheirStatusAndNotCached() {
    admin.serviceAccounts().inNamespace(team).resource(new ServiceAccountBuilder()
        .withNewMetadata().withName("no-rights").endMetadata().build()).create();
    try (KubernetesClient unprivileged = api.clientAs(team, "no-rights")) {
      PullSecretResolver resolver = new PullSecretResolver(unprivileged);
      Workload workload = deployment("builder", "regcred");
      RegistryCredentials[] got = new RegistryCredentials[1];

      List<String> messages = logsOf(() -> got[0] = resolver.credentialsFor(workload));

      assertTrue(got[0].isEmpty());
      assertEquals(2, messages.size(), messages.toString());
      assertEquals("cannot read ServiceAccount " + team + "/builder for its image pull secrets (HTTP 403):"
          + " serviceaccounts \"builder\" is forbidden: User \"system:serviceaccount:" + team + ":no-rights\""
          + " cannot get resource \"serviceaccounts\" in API group \"\" in the namespace \"" + team + "\"",
          messages.get(0));
      assertEquals("cannot read image pull secret " + team + "/regcred (HTTP 403); pulling without it",
          messages.get(1));

      admin.rbac().roles().inNamespace(team).resource(new RoleBuilder()
          .withNewMetadata().withName("read-pull-secrets").endMetadata()
          .addNewRule().withApiGroups("").withResources("secrets", "serviceaccounts").withVerbs("get").endRule()
          .build()).create();
      admin.rbac().roleBindings().inNamespace(team).resource(new RoleBindingBuilder()
          .withNewMetadata().withName("read-pull-secrets").endMetadata()
          .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
          .withName("read-pull-secrets").endRoleRef()
          .addNewSubject().withKind("ServiceAccount").withName("no-rights").withNamespace(team).endSubject()
          .build()).create();
      // The same resolver asks again (well within its cache time): failures were not cached.
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(List.of(POD_CRED, SA_CRED),
          resolver.credentialsFor(workload).lookup("registry.example.com/team/app")));
    }
  }
}
