package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.signature.TestResources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class VerifyBundleCommandTest {

  private static final String V = "sigstore/vectors/";
  private static final String PUBLIC_GOOD = TestResources.path("sigstore/trusted_roots/public-good.json").toString();
  private static final String A_TXT = TestResources.path("sigstore/artifacts/a.txt").toString();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new VerifyBundleCommand())
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  private static String vector(String file) {
    return TestResources.path(V + file).toString();
  }

  @Test
  void keylessBundleVerifiesAgainstTheArtifactFile() {
    int exit = run("--bundle", vector("03-v0.3-hashedrekord-ok/bundle.v3.sigstore"),
        "--certificate-identity", "appu@google.com",
        "--certificate-oidc-issuer", "https://accounts.google.com",
        "--trusted-root", PUBLIC_GOOD, A_TXT);
    assertEquals(0, exit, err::toString);
    assertEquals("Verified OK: bundle verified for appu@google.com (issuer https://accounts.google.com),"
        + " logged in Rekor at 2023-10-11T14:28:04Z", out.toString().strip());
    assertEquals("", err.toString());
  }

  @Test
  void wrongIdentityExitsOneWithTheReason() {
    int exit = run("--bundle", vector("03-v0.3-hashedrekord-ok/bundle.v3.sigstore"),
        "--certificate-identity", "someone@example.com",
        "--certificate-oidc-issuer", "https://accounts.google.com",
        "--trusted-root", PUBLIC_GOOD, A_TXT);
    assertEquals(1, exit);
    assertEquals("Verification failed: certificate identity (subject appu@google.com, issuer"
        + " https://accounts.google.com) matches none of authority --certificate-identity's identities"
        + " [issuer https://accounts.google.com subject someone@example.com]", err.toString().strip());
    assertEquals("", out.toString());
  }

  @Test
  void identityRegExpAndDigestArgumentWork() {
    int exit = run("--bundle", vector("16-cosign-oci-attestation-ok/oci-attestation.sigstore.json"),
        "--certificate-identity-regexp", ".*@soyland\\.com",
        "--certificate-oidc-issuer", "https://github.com/login/oauth",
        "--trusted-root", PUBLIC_GOOD,
        "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4");
    assertEquals(0, exit, err::toString);
  }

  @Test
  void expiredCertificateBundleIsNotVerified() {
    int exit = run("--bundle", vector("09-expired-cert-fail/bundle-with-expired-cert.sigstore"),
        "--certificate-identity", "untrusted-sa@sigstore-conformance.iam.gserviceaccount.com",
        "--certificate-oidc-issuer", "https://accounts.google.com",
        "--trusted-root", PUBLIC_GOOD, A_TXT);
    assertEquals(1, exit);
    assertTrue(err.toString().contains("(signed after expiry)"), err::toString);
  }

  @Test
  void keyBundleVerifiesWithTheKeyFile() {
    int exit = run("--bundle", vector("14-conformance-managed-key-happy-path-ok/bundle.sigstore.json"),
        "--key", vector("14-conformance-managed-key-happy-path-ok/key.pub"),
        "--trusted-root", TestResources.path("sigstore/trusted_roots/public-good-2023-with-tsa.json").toString(),
        A_TXT);
    assertEquals(0, exit, err::toString);
    assertTrue(out.toString().startsWith("Verified OK: bundle verified with the key of authority --key key.pub"),
        out::toString);
  }

  @Test
  void corruptKeyIsAUsageError() {
    int exit = run("--bundle", vector("15-conformance-managed-key-wrong-key-fail/bundle.sigstore.json"),
        "--key", vector("15-conformance-managed-key-wrong-key-fail/key.pub"), A_TXT);
    assertEquals(2, exit);
    assertTrue(err.toString().startsWith("authority --key key.pub: public key"), err::toString);
  }

  /**
   * The conformance suite as its own runner drives a client: one verify-bundle invocation per
   * case with the case's key or identity, issuer and trusted root (the offline production root
   * when it has none, see the suite's README in the test resources). Exit 0 for every case the
   * suite accepts, non-zero for every {@code _fail} case.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.vigil.signature.SigstoreConformanceTest#cases")
  void conformanceCaseThroughTheCli(String name) {
    String dir = "sigstore/conformance/bundle-verify/" + name + "/";
    List<String> args = new ArrayList<>(List.of("--bundle", TestResources.path(dir + "bundle.sigstore.json").toString()));
    if (exists(dir + "key.pub")) {
      args.addAll(List.of("--key", TestResources.path(dir + "key.pub").toString()));
    } else {
      args.addAll(List.of(
          "--certificate-identity", textOr(dir + "identity", "https://github.com/sigstore-conformance/"
              + "extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"),
          "--certificate-oidc-issuer", textOr(dir + "issuer", "https://token.actions.githubusercontent.com")));
    }
    args.addAll(List.of("--trusted-root", exists(dir + "trusted_root.json")
        ? TestResources.path(dir + "trusted_root.json").toString()
        : TestResources.path("sigstore/trusted_roots/public-good-2023-with-tsa.json").toString()));
    args.add(TestResources.path(exists(dir + "artifact") ? dir + "artifact" : "sigstore/conformance/bundle-verify/a.txt")
        .toString());
    int exit = run(args.toArray(String[]::new));
    if (name.endsWith("_fail")) {
      assertNotEquals(0, exit, () -> name + ": FALSE ACCEPT: " + out);
    } else {
      assertEquals(0, exit, () -> name + ": false reject: " + err);
    }
  }

  private static boolean exists(String resource) {
    return TestResources.class.getClassLoader().getResource(resource) != null;
  }

  private static String textOr(String resource, String fallback) {
    return exists(resource) ? TestResources.text(resource).strip() : fallback;
  }

  @Test
  void malformedTrustedRootIsReportedWithTheFieldAtFault() {
    String dir = "sigstore/conformance/bundle-verify/trust-root-tlog-missing-validity-start_fail/";
    int exit = run("--bundle", TestResources.path(dir + "bundle.sigstore.json").toString(),
        "--certificate-identity", "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon"
            + "/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
        "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com",
        "--trusted-root", TestResources.path(dir + "trusted_root.json").toString(), A_TXT);
    assertEquals(1, exit);
    assertEquals("Verification failed: trusted root is malformed: tlogs[1]"
        + " (https://log2025-alpha1.rekor.sigstage.dev) publicKey.validFor has no start; a missing bound is not"
        + " treated as open-ended", err.toString().strip());
  }

  @Test
  void keyAndIdentityTogetherIsAUsageError() {
    int exit = run("--bundle", vector("03-v0.3-hashedrekord-ok/bundle.v3.sigstore"),
        "--key", vector("14-conformance-managed-key-happy-path-ok/key.pub"),
        "--certificate-identity", "appu@google.com",
        "--certificate-oidc-issuer", "https://accounts.google.com", A_TXT);
    assertEquals(2, exit);
    assertTrue(err.toString().contains("mutually exclusive"), err::toString);
  }

  @Test
  void identityWithoutIssuerIsAUsageError() {
    int exit = run("--bundle", vector("03-v0.3-hashedrekord-ok/bundle.v3.sigstore"),
        "--certificate-identity", "appu@google.com", A_TXT);
    assertEquals(2, exit);
    assertTrue(err.toString().contains("--certificate-oidc-issuer"), err::toString);
  }

  @Test
  void missingArtifactIsAUsageError() {
    int exit = run("--bundle", vector("03-v0.3-hashedrekord-ok/bundle.v3.sigstore"),
        "--certificate-identity", "appu@google.com",
        "--certificate-oidc-issuer", "https://accounts.google.com", "/nonexistent/file");
    assertEquals(2, exit);
    assertTrue(err.toString().startsWith("artifact /nonexistent/file is neither a readable file nor sha256:<hex>"),
        err::toString);
  }

  @Test
  void malformedBundleIsNotVerified() {
    int exit = run("--bundle", A_TXT, "--certificate-identity", "appu@google.com",
        "--certificate-oidc-issuer", "https://accounts.google.com", "--trusted-root", PUBLIC_GOOD, A_TXT);
    assertEquals(1, exit);
    assertTrue(err.toString().startsWith("Verification failed: bundle is not JSON"), err::toString);
  }

  @Test
  void helpIsPrinted() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("verify-bundle"));
    assertTrue(out.toString().contains("--trusted-root"));
  }
}
