package dev.vigil.image.checks;

import static dev.vigil.image.checks.CheckHarness.config;
import static dev.vigil.image.checks.CheckHarness.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.image.ImageConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VIG-IMG-009 (private keys) and VIG-IMG-010 (credential files), across all layers. */
class SensitiveFileChecksTest {

  private static final String KEYS = "VIG-IMG-009";
  private static final String CREDENTIALS = "VIG-IMG-010";
  private static final ImageConfig CONFIG = config("{}");

  private static final String OPENSSH_KEY =
      "-----BEGIN OPENSSH PRIVATE KEY-----\n"
          + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n"
          + "-----END OPENSSH PRIVATE KEY-----\n";
  private static final String RSA_KEY =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n";
  private static final String PKCS8_KEY =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----\n";
  private static final String CERTIFICATE =
      "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----\n";

  @Test
  void privateKeysInTheFinalViewAndDeletedOnesAreReported() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:aaa")
            .captured("root/.ssh/id_rsa", OPENSSH_KEY)
            .captured("etc/ssh/ssh_host_ed25519_key", OPENSSH_KEY)
            .captured("app/tls.key", RSA_KEY)
            .captured("app/cert.pem", CERTIFICATE)
            .captured("root/.ssh/id_rsa.pub", "ssh-rsa AAAAB3NzaC1yc2E root@build\n")
            .layer("sha256:bbb")
            .delete("root/.ssh")
            .build();
    assertEquals(
        List.of(
            "/app/tls.key: RSA private key",
            "/etc/ssh/ssh_host_ed25519_key: OPENSSH private key",
            "/root/.ssh/id_rsa: OPENSSH private key (deleted in a later layer, still in layer"
                + " sha256:aaa)"),
        evidence(KEYS, CONFIG, files));
  }

  @Test
  void keyOverwrittenInALaterLayerIsStillReportedForItsLayer() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:aaa")
            .captured("app/key.pem", PKCS8_KEY)
            .layer("sha256:bbb")
            .captured("app/key.pem", "placeholder\n")
            .build();
    assertEquals(
        List.of("/app/key.pem: private key (replaced in a later layer, still in layer sha256:aaa)"),
        evidence(KEYS, CONFIG, files));
  }

  @Test
  void certificatesPublicKeysAndPackageTestKeysDoNotFire() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:aaa")
            .captured("app/cert.pem", CERTIFICATE)
            .captured("root/.ssh/id_rsa.pub", "ssh-rsa AAAAB3NzaC1yc2E root@build\n")
            .captured("usr/lib/node_modules/agent-base/test/ssl-key.pem", RSA_KEY)
            .captured("usr/lib/python3/dist-packages/tornado/test/fixtures/key.pem", PKCS8_KEY)
            .captured("root/.ssh/id_ed25519", "not a key\n")
            .build();
    assertEquals(List.of(), evidence(KEYS, CONFIG, files));
  }

  @Test
  void credentialFilesAreReportedWithWhatTheyHoldButNotTheValues() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:aaa")
            .captured("root/.npmrc", "//registry.npmjs.org/:_authToken=npm-secret-value\n")
            .captured(
                "root/.docker/config.json",
                "{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNz\"},\"ghcr.io\":{}}}")
            .captured(
                "root/.aws/credentials",
                "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                    + "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
            .captured(
                "root/.git-credentials",
                "https://ci:glpat-abcdefghij0123456789@gitlab.example.com\n")
            .captured("root/.config/gcloud/application_default_credentials.json", "{}")
            .captured(
                "app/.env",
                "DB_HOST=db\nDB_PASSWORD=hunter2\nexport STRIPE=sk_live_0123456789abcdefghijklmn\n")
            .captured(
                "root/.kube/config",
                "apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: abc.def\n")
            .captured(
                "root/.pypirc", "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n")
            .captured("root/.netrc", "machine api.example.com login ci password s3cret\n")
            .captured("root/.pgpass", "db.example.com:5432:app:app:pgsecret\n")
            .build();
    assertEquals(
        List.of(
            "/app/.env: environment file setting DB_PASSWORD, STRIPE",
            "/root/.aws/credentials: AWS secret access key",
            "/root/.config/gcloud/application_default_credentials.json: Google Cloud credentials",
            "/root/.docker/config.json: registry credentials for registry.example.com",
            "/root/.git-credentials: stored Git credentials",
            "/root/.kube/config: Kubernetes credentials",
            "/root/.netrc: netrc password",
            "/root/.npmrc: npm registry credentials",
            "/root/.pgpass: PostgreSQL password",
            "/root/.pypirc: package index password"),
        evidence(CREDENTIALS, CONFIG, files));
  }

  @Test
  void credentialFileDeletedInALaterLayerIsStillReported() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:aaa")
            .captured("root/.npmrc", "//registry.npmjs.org/:_authToken=npm-secret-value\n")
            .layer("sha256:bbb")
            .file("app/server.js", 0644)
            .layer("sha256:ccc")
            .delete("root/.npmrc")
            .build();
    assertEquals(
        List.of(
            "/root/.npmrc: npm registry credentials (deleted in a later layer, still in layer"
                + " sha256:aaa)"),
        evidence(CREDENTIALS, CONFIG, files));
  }

  @Test
  void filesWithoutCredentialsOrOnlyReferencesDoNotFire() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:aaa")
            .captured(
                "app/.npmrc",
                "registry=https://registry.example.com/\n"
                    + "//registry.example.com/:_authToken=${NPM_TOKEN}\n")
            .captured(
                "home/app/.docker/config.json",
                "{\"credsStore\":\"desktop\",\"auths\":{\"https://index.docker.io/v1/\":{}}}")
            .captured("app/.env.example", "DB_PASSWORD=changeme\n")
            .captured("app/.env", "PORT=8080\nDB_PASSWORD=\nLOG_LEVEL=info\n")
            .captured(
                "root/.kube/config", "apiVersion: v1\nusers:\n- name: sa\n  user:\n    exec: {}\n")
            .captured("root/.pypirc", "[distutils]\nindex-servers = pypi\n")
            .build();
    assertEquals(List.of(), evidence(CREDENTIALS, CONFIG, files));
  }

  @Test
  void truncatedDockerConfigFallsBackToFieldNames() {
    String prefix = "{\"auths\":{\"r.example.com\":{\"auth\":\"dXNlcjpwYXNz\"}";
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:aaa")
            .captured("root/.docker/config.json", prefix)
            .build();
    assertEquals(
        List.of("/root/.docker/config.json: registry credentials"),
        evidence(CREDENTIALS, CONFIG, files));
  }

  @Test
  void contentSelectorCapturesExactlyTheFilesTheChecksRead() {
    for (String wanted :
        List.of(
            "etc/passwd",
            "root/.ssh/id_rsa",
            "home/app/.ssh/id_ed25519",
            "etc/ssh/ssh_host_rsa_key",
            "app/server.key",
            "app/tls.PEM",
            "root/.npmrc",
            ".npmrc",
            "root/.pypirc",
            "root/.git-credentials",
            "root/.netrc",
            "root/.pgpass",
            "root/.aws/credentials",
            "home/u/.docker/config.json",
            "root/.config/gcloud/credentials.db",
            "root/.config/gcloud/access_tokens.db",
            "root/.config/gcloud/application_default_credentials.json",
            "root/.config/gcloud/legacy_credentials/ci@example.iam.gserviceaccount.com/adc.json",
            "root/.kube/config",
            "etc/kubernetes/admin.conf",
            "app/.env",
            "app/.env.production")) {
      assertEquals(true, ImageChecks.CONTENT_SELECTOR.wants().test(wanted), wanted);
    }
    for (String unwanted :
        List.of(
            "usr/bin/ls",
            "etc/shadow",
            "etc/ssl/certs/ca-certificates.crt",
            "root/.ssh/id_rsa.pub",
            "root/.ssh/known_hosts",
            "etc/ssh/ssh_host_rsa_key.pub",
            "app/.env.example",
            "app/.env.sample",
            "app/config.json",
            "app/.kube/config.bak")) {
      assertEquals(false, ImageChecks.CONTENT_SELECTOR.wants().test(unwanted), unwanted);
    }
    assertEquals(32 * 1024, ImageChecks.CONTENT_SELECTOR.maxBytes());
  }

  @Test
  void truncatedCaptureStillShowsAKeyHeader() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:aaa")
            .capturedPrefix("app/ec.key", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI", 100_000)
            .build();
    assertEquals(List.of("/app/ec.key: EC private key"), evidence(KEYS, CONFIG, files));
  }
}
