package dev.vigil.workload;

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
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@EnableKubernetesMockClient(crud = true)
class PullSecretResolverTest {

  static KubernetesClient client;

  private static final Credential POD_CRED = new Credential("pod-user", "pod-secret-pw");
  private static final Credential SA_CRED = new Credential("sa-user", "sa-secret-pw");
  private static final Credential LEGACY_CRED = new Credential("old-user", "old-secret-pw");
  private static final Credential DEFAULT_CRED = new Credential("default-user", "default-secret-pw");

  /** A clock tests move by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-11-22T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeAll
  static void secretsAndServiceAccounts() {
    secret("regcred", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        "{\"auths\":{\"registry.example.com\":{\"username\":\"pod-user\",\"password\":\"pod-secret-pw\"}}}");
    secret("team-cred", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        "{\"auths\":{\"https://registry.example.com\":{\"auth\":\"" + base64("sa-user:sa-secret-pw") + "\"}}}");
    secret("legacy", RegistryCredentials.TYPE_DOCKERCFG, ".dockercfg",
        "{\"legacy.example.com\":{\"auth\":\"" + base64("old-user:old-secret-pw") + "\",\"email\":\"ops@example.com\"}}");
    secret("default-cred", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        "{\"auths\":{\"ghcr.io\":{\"username\":\"default-user\",\"password\":\"default-secret-pw\"}}}");
    secret("broken", RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, ".dockerconfigjson",
        "{\"auths\": leaky-secret-text");
    secret("opaque", "Opaque", "token", "opaque-secret-value");
    serviceAccount("builder", "team-cred", "legacy", "sa-missing");
    serviceAccount("default", "default-cred");
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void secret(String name, String type, String key, String content) {
    client.secrets().inNamespace("team").resource(new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).build())
        .withType(type).withData(Map.of(key, base64(content))).build()).create();
  }

  private static void serviceAccount(String name, String... secrets) {
    ServiceAccountBuilder builder = new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata();
    for (String secret : secrets) {
      builder.addNewImagePullSecret().withName(secret).endImagePullSecret();
    }
    client.serviceAccounts().inNamespace("team").resource(builder.build()).create();
  }

  private static Workload deployment(String serviceAccount, String... pullSecrets) {
    PodSpecBuilder spec = new PodSpecBuilder().withServiceAccountName(serviceAccount)
        .addNewContainer().withName("app").withImage("registry.example.com/team/app:1").endContainer();
    for (String secret : pullSecrets) {
      spec.addNewImagePullSecret().withName(secret).endImagePullSecret();
    }
    PodSpec podSpec = spec.build();
    return new Workload(WorkloadKind.Deployment, new DeploymentBuilder()
        .withNewMetadata().withNamespace("team").withName("app").endMetadata()
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
    ManualClock clock = new ManualClock();
    PullSecretResolver resolver = new PullSecretResolver(client, clock, Duration.ofSeconds(60));
    Workload workload = deployment("ghost", "rotating");
    assertEquals(List.of(new Credential("r", "r-pw")), resolver.credentialsFor(workload).lookup("quay.io/a/b"));

    client.secrets().inNamespace("team").withName("rotating").delete();
    clock.now = clock.now.plusSeconds(59);
    assertEquals(List.of(new Credential("r", "r-pw")), resolver.credentialsFor(workload).lookup("quay.io/a/b"));

    clock.now = clock.now.plusSeconds(2);
    assertTrue(resolver.credentialsFor(workload).isEmpty());
  }

  @Test
  void logsNameSkippedSecretsButNeverTheirContent() {
    Logger logger = (Logger) LoggerFactory.getLogger(PullSecretResolver.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(appender);
    try {
      new PullSecretResolver(client).credentialsFor(deployment("builder", "regcred", "gone", "broken", "opaque"));
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }
    List<String> messages = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(List.of(
            "image pull secret team/gone does not exist; skipped",
            "image pull secret team/broken (type kubernetes.io/dockerconfigjson) holds no usable registry"
                + " credentials: malformed JSON; skipped",
            "image pull secret team/opaque (type Opaque) holds no usable registry credentials: secret type"
                + " \"Opaque\" holds no registry credentials (expected kubernetes.io/dockerconfigjson or"
                + " kubernetes.io/dockercfg); skipped",
            "image pull secret team/sa-missing does not exist; skipped"),
        messages);
    for (String message : messages) {
      assertFalse(message.contains("secret-pw") || message.contains("leaky") || message.contains("opaque-secret"),
          message);
    }
  }
}
