package dev.vigil.image.checks;

import static dev.vigil.image.checks.CheckHarness.config;
import static dev.vigil.image.checks.CheckHarness.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.image.ImageConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** VIG-IMG-007 (secrets in ENV) and VIG-IMG-008 (secrets in the build history). */
class SecretChecksTest {

  private static final String ENV = "VIG-IMG-007";
  private static final String HISTORY = "VIG-IMG-008";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String GITHUB_TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
  private static final String AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String SLACK_TOKEN = "xoxb-123456789012-abcdefghijKLMNOP";
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

  private static ImageConfig withEnv(Map<String, String> env) throws IOException {
    List<String> entries =
        env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    return config(JSON.writeValueAsString(Map.of("config", Map.of("Env", entries))));
  }

  private static ImageConfig withHistory(String... createdBy) throws IOException {
    List<Map<String, String>> steps =
        java.util.Arrays.stream(createdBy).map(c -> Map.of("created_by", c)).toList();
    return config(JSON.writeValueAsString(Map.of("history", steps)));
  }

  private static void assertNoneContains(List<String> evidence, String... secrets) {
    for (String line : evidence) {
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "evidence leaks a secret: " + line);
      }
    }
  }

  @Test
  void envSecretsFireByNameOrByValueAndNameTheVariableOnly() throws IOException {
    ImageConfig config =
        withEnv(
            Map.of(
                "DB_PASSWORD", "hunter2",
                "AWS_SECRET_ACCESS_KEY", AWS_SECRET,
                "AWS_ACCESS_KEY_ID", AWS_KEY_ID,
                "DEPLOY", GITHUB_TOKEN,
                "NOTIFY", SLACK_TOKEN,
                "SESSION", JWT,
                "APP_KEY", "base64:c2VjcmV0"));
    List<String> evidence = evidence(ENV, config, TestImageFiles.empty());
    assertEquals(
        List.of(
            "APP_KEY (name suggests a secret)",
            "AWS_ACCESS_KEY_ID (value looks like a AWS access key id)",
            "AWS_SECRET_ACCESS_KEY (name suggests a secret)",
            "DB_PASSWORD (name suggests a secret)",
            "DEPLOY (value looks like a GitHub token)",
            "NOTIFY (value looks like a Slack token)",
            "SESSION (value looks like a JSON Web Token)"),
        evidence);
    assertNoneContains(evidence, "hunter2", AWS_SECRET, AWS_KEY_ID, GITHUB_TOKEN, SLACK_TOKEN, JWT);
  }

  @Test
  void camelCaseNamesAreSplitIntoWords() {
    assertTrue(SecretNames.isSecretName("dbPassword"));
    assertTrue(SecretNames.isSecretName("apiKey"));
    assertTrue(SecretNames.isSecretName("_authToken"));
    assertFalse(SecretNames.isSecretName("tokenTtl"));
    assertFalse(SecretNames.isSecretName("gpgKey"));
  }

  @Test
  void envNameAndValueReasonsCombine() throws IOException {
    assertEquals(
        List.of("GITHUB_TOKEN (name suggests a secret; value looks like a GitHub token)"),
        evidence(ENV, withEnv(Map.of("GITHUB_TOKEN", GITHUB_TOKEN)), TestImageFiles.empty()));
  }

  @Test
  void envFalsePositivesOfOfficialImagesDoNotFire() throws IOException {
    ImageConfig config =
        withEnv(
            Map.ofEntries(
                Map.entry("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                Map.entry("GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D"),
                Map.entry(
                    "GPG_KEYS",
                    "1729F83938DA44E27BA0F4D3DBDB397470D12172"
                        + " BFDDD28642824F8118EF77909B67A5C12229118F"),
                Map.entry("PYTHON_VERSION", "3.12.4"),
                Map.entry(
                    "NODE_SHA256",
                    "2b6fa0a7a4d3e1f4a0f8a9c6b4f9c8e1d2a3b4c5d6e7f8091a2b3c4d5e6f7a8b"),
                Map.entry("SIGNING_KEY_ID", "0x9F5E8A2C"),
                Map.entry("PUBLIC_KEY", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA"),
                Map.entry("MYSQL_PASSWORD_FILE", "/run/secrets/db"),
                Map.entry("POSTGRES_PASSWORD", ""),
                Map.entry("API_TOKEN", "${TOKEN}"),
                Map.entry("TOKEN_TTL", "3600"),
                Map.entry("SECRETS_ENABLED", "true"),
                Map.entry("SSL_KEY", "/etc/ssl/private/server.key"),
                Map.entry(
                    "HTTPD_BZ2_URL", "https://www.apache.org/dyn/closer.cgi?action=download")));
    assertEquals(List.of(), evidence(ENV, config, TestImageFiles.empty()));
  }

  @Test
  void realLegacyBuilderConfigHasNoSecrets() throws IOException {
    byte[] json;
    try (InputStream in =
        getClass().getResourceAsStream("/image/containers-image.schema2-config.json")) {
      json = in.readAllBytes();
    }
    ImageConfig config = ImageConfig.parse(json);
    assertEquals(List.of(), evidence(ENV, config, TestImageFiles.empty()));
    assertEquals(List.of(), evidence(HISTORY, config, TestImageFiles.empty()));
  }

  @Test
  void buildArgSecretIsRedactedInHistory() throws IOException {
    List<String> evidence =
        evidence(
            HISTORY,
            withHistory(
                "ENV PORT=8080",
                "RUN |2 NPM_TOKEN=s3cr3t-value VERSION=1.2 /bin/sh -c npm ci # buildkit"),
            TestImageFiles.empty());
    assertEquals(
        List.of(
            "history[1] (NPM_TOKEN): RUN |2 NPM_TOKEN=<redacted> VERSION=1.2 /bin/sh -c npm ci #"
                + " buildkit"),
        evidence);
  }

  @Test
  void legacyBuildArgAndUrlCredentialsAreBothRedacted() throws IOException {
    List<String> evidence =
        evidence(
            HISTORY,
            withHistory(
                "|1 GIT_TOKEN=abc123def /bin/sh -c git clone"
                    + " https://x-access-token:abc123def@github.com/acme/app.git"),
            TestImageFiles.empty());
    assertEquals(
        List.of(
            "history[0] (GIT_TOKEN, credentials in URL): |1 GIT_TOKEN=<redacted> /bin/sh -c git"
                + " clone https://x-access-token:<redacted>@github.com/acme/app.git"),
        evidence);
  }

  @Test
  void envArgAndCommandLineSecretsInHistoryFire() throws IOException {
    ImageConfig config =
        withHistory(
            "/bin/sh -c #(nop)  ENV API_KEY=abcdef123456",
            "ARG DB_PASSWORD=changeme",
            "RUN /bin/sh -c curl -u deploy:Pa55word https://repo.example.com/x.tgz | tar xz #"
                + " buildkit",
            "RUN /bin/sh -c echo 'root:toor' | chpasswd # buildkit",
            "RUN /bin/sh -c echo \"//registry.npmjs.org/:_authToken=abcd1234efgh\" > ~/.npmrc",
            "RUN /bin/sh -c echo " + AWS_KEY_ID + " > /tmp/k",
            "RUN /bin/sh -c wget --password=Secr3t ftp://example.com/file",
            "RUN /bin/sh -c app-cli login --api-token s3cr3t-tok --verbose");
    List<String> evidence = evidence(HISTORY, config, TestImageFiles.empty());
    assertEquals(
        List.of(
            "history[0] (API_KEY): /bin/sh -c #(nop) ENV API_KEY=<redacted>",
            "history[1] (DB_PASSWORD): ARG DB_PASSWORD=<redacted>",
            "history[2] (curl credentials): RUN /bin/sh -c curl -u deploy:<redacted>"
                + " https://repo.example.com/x.tgz | tar xz # buildkit",
            "history[3] (chpasswd password): RUN /bin/sh -c echo 'root:<redacted>' | chpasswd #"
                + " buildkit",
            "history[4] (_authToken): RUN /bin/sh -c echo"
                + " \"//registry.npmjs.org/:_authToken=<redacted>\" > ~/.npmrc",
            "history[5] (AWS access key id): RUN /bin/sh -c echo <redacted> > /tmp/k",
            "history[6] (credential option): RUN /bin/sh -c wget --password=<redacted>"
                + " ftp://example.com/file",
            "history[7] (credential option): RUN /bin/sh -c app-cli login --api-token <redacted>"
                + " --verbose"),
        evidence);
    assertNoneContains(
        evidence,
        "abcdef123456",
        "changeme",
        "Pa55word",
        "toor'",
        "abcd1234efgh",
        AWS_KEY_ID,
        "Secr3t",
        "s3cr3t-tok");
  }

  @Test
  void referencesEmptyValuesAndSecretMountsInHistoryDoNotFire() throws IOException {
    ImageConfig config =
        withHistory(
            "RUN |1 NPM_TOKEN= /bin/sh -c npm ci # buildkit",
            "RUN /bin/sh -c NPM_TOKEN=$(cat /run/secrets/npm) npm ci # buildkit",
            "RUN --mount=type=secret,id=npm_token /bin/sh -c npm ci # buildkit",
            "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
            "ARG TOKEN",
            "RUN /bin/sh -c curl -u \"$REPO_USER:$REPO_PASS\" https://repo.example.com/x",
            "RUN /bin/sh -c useradd -u 10001 app && chown 10001:10001 /app",
            "RUN /bin/sh -c login --token \"$CI_TOKEN\" --password --stdin",
            "RUN /bin/sh -c gpg --keyserver hkps://keys.openpgp.org --recv-keys A93D62ECC3C8EA12");
    assertEquals(List.of(), evidence(HISTORY, config, TestImageFiles.empty()));
  }

  @Test
  void longCommandIsCutAroundTheRedactionWithoutLeaking() {
    String command =
        "RUN /bin/sh -c "
            + "apt-get install -y pkg && ".repeat(20)
            + "export API_TOKEN=tok-9876543210 && make";
    CommandSecrets.Result result = CommandSecrets.scan(command);
    assertEquals(List.of("API_TOKEN"), result.kinds());
    assertTrue(result.redacted().startsWith("…"), result.redacted());
    assertTrue(
        result.redacted().contains("export API_TOKEN=<redacted> && make"), result.redacted());
    assertTrue(result.redacted().length() <= CommandSecrets.MAX_COMMAND_CHARS + 2);
    assertFalse(result.redacted().contains("tok-9876543210"));
  }

  @Test
  void secretAtTheEndOfAHugeHeredocLineIsFoundAndShown() {
    String filler = "a.b-c.d_e.f ".repeat(5_000) + "x".repeat(12_500) + " ";
    CommandSecrets.Result result =
        CommandSecrets.scan("RUN /bin/sh -c cat <<EOF " + filler + "DB_PASSWORD=tail-secret EOF");
    assertEquals(List.of("DB_PASSWORD"), result.kinds());
    assertTrue(result.redacted().endsWith("DB_PASSWORD=<redacted> EOF"), result.redacted());
    assertFalse(result.redacted().contains("tail-secret"));
  }

  @Test
  void privateKeyPastedIntoACommandIsRedactedToTheEndMarker() {
    CommandSecrets.Result result =
        CommandSecrets.scan(
            "RUN /bin/sh -c printf '-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n"
                + "-----END RSA PRIVATE KEY-----' > /k && chmod 600 /k");
    assertEquals(List.of("private key"), result.kinds());
    assertEquals("RUN /bin/sh -c printf '<redacted>' > /k && chmod 600 /k", result.redacted());
  }
}
