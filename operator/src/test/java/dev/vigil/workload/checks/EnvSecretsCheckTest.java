package dev.vigil.workload.checks;

import static dev.vigil.workload.checks.TestWorkloads.deployment;
import static dev.vigil.workload.checks.TestWorkloads.evidence;
import static dev.vigil.workload.checks.TestWorkloads.hardened;
import static dev.vigil.workload.checks.TestWorkloads.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.api.Finding;
import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VIG-WL-017: secrets written as literal env values into the pod spec. */
class EnvSecretsCheckTest {

  private static final String ENV_SECRETS = "VIG-WL-017";
  private static final String WEB = "spec.template.spec.containers[web]";

  // Shaped like real tokens, valid for nothing.
  private static final String GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
  private static final String AWS_KEY_ID = "AKIA" + "Z7Q2XK4MNB3VW6YP";
  private static final String PRIVATE_KEY =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAwq7\n-----END RSA PRIVATE KEY-----";
  private static final String PASSWORD = "hunter2-correct-horse";
  private static final String API_KEY = "k9x7w5v3t1";

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar fromSecret(String name) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName("db")
        .withKey("password")
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static Workload webWithEnv(EnvVar... vars) {
    return deployment(podSpec(hardened("web").withEnv(vars).build()).build());
  }

  private static final List<EnvVar> LEAKY =
      List.of(
          env("DB_PASSWORD", PASSWORD),
          env("apiKey", API_KEY),
          env("DEPLOY_NOTE", "use " + GITHUB_TOKEN + " for pushes"),
          env("AWS_ACCESS_KEY_ID", AWS_KEY_ID),
          env("TLS_KEY", PRIVATE_KEY),
          env("LOG_LEVEL", "debug"));

  @Test
  void literalSecretsFireNamedByVariableWithTheReason() {
    assertEquals(
        List.of(
            WEB + ".env[AWS_ACCESS_KEY_ID].value (value looks like a AWS access key id)",
            WEB + ".env[DB_PASSWORD].value (name suggests a secret)",
            WEB + ".env[DEPLOY_NOTE].value (value looks like a GitHub token)",
            WEB + ".env[TLS_KEY].value (name suggests a secret; value looks like a private key)",
            WEB + ".env[apiKey].value (name suggests a secret)"),
        evidence(ENV_SECRETS, webWithEnv(LEAKY.toArray(EnvVar[]::new)), "web"));
  }

  @Test
  void noSecretValueEverAppearsInAnyFinding() {
    List<Finding> findings = TestWorkloads.run(webWithEnv(LEAKY.toArray(EnvVar[]::new)), "web");
    assertFalse(findings.isEmpty());
    for (Finding f : findings) {
      String text =
          f.getTitle() + "\n" + String.join("\n", f.getEvidence()) + "\n" + f.getRemediation();
      for (String secret :
          List.of(PASSWORD, API_KEY, GITHUB_TOKEN, AWS_KEY_ID, "MIIEowIBAAKCAQEAwq7", "hunter2")) {
        assertFalse(text.contains(secret), f.getId() + " leaks " + secret);
      }
    }
  }

  @Test
  void referencesPlaceholdersAndHarmlessNamesPass() {
    Workload w =
        webWithEnv(
            fromSecret("DB_PASSWORD"),
            env("API_TOKEN", "$(TOKEN_FROM_DOWNWARD_API)"),
            env("ADMIN_PASSWORD", ""),
            env("DB_PASSWORD_FILE", "/run/secrets/db-password"),
            env("SECRET_PATH", "/etc/app/secret"),
            env("TOKEN_TTL", "3600"),
            env("GPG_KEY", "B42F6819007F00F88E364FD4036A9C25BF357DD4"),
            env("LOG_LEVEL", "debug"),
            new EnvVarBuilder().withName("EMPTY_SECRET").build());
    assertEquals(List.of(), evidence(ENV_SECRETS, w, "web"));
  }

  @Test
  void initContainerEnvIsCheckedUnderItsOwnPath() {
    Workload w =
        deployment(
            podSpec(hardened("web").build())
                .withInitContainers(
                    hardened("migrate").withEnv(env("DATABASE_PASSWORD", PASSWORD)).build())
                .build());
    assertEquals(
        List.of(
            "spec.template.spec.initContainers[migrate].env[DATABASE_PASSWORD].value (name"
                + " suggests a secret)"),
        evidence(ENV_SECRETS, w, "migrate", ContainerType.InitContainer));
    assertEquals(List.of(), evidence(ENV_SECRETS, w, "web"));
  }
}
