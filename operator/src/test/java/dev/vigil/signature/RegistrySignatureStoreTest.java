package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.registry.RegistryClient;
import dev.vigil.registry.RegistryClientConfig;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RegistryPusher;
import dev.vigil.testsupport.TestArtifact;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: images pushed to a real local registry (Debian's docker-registry on
 * 127.0.0.1), signed by the test Sigstore instance, found and verified through the registry
 * client.
 */
class RegistrySignatureStoreTest {

  private static final String ISSUER = "https://token.actions.githubusercontent.com";
  private static final String WORKFLOW =
      "https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v2.0.0";
  private static final Instant SIGNED = Instant.parse("2025-06-01T08:00:00Z");

  private static LocalRegistry registry;
  private static RegistryPusher pusher;
  private static RegistryClient client;
  private static final TestSigstore sigstore = new TestSigstore();
  private static final KeyPair releaseKey = TestSigstore.ecKey();

  private final ImageSignatureVerifier verifier =
      new ImageSignatureVerifier(new RegistrySignatureStore(client), new TrustedRoots(),
          Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  @BeforeAll
  static void startRegistry() {
    registry = LocalRegistry.start();
    pusher = registry.pusher();
    client = new RegistryClient(RegistryClientConfig.builder().build());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  private static PushedImage pushImage(String repository, String content) {
    TestImage image = TestImages.image().layer(l -> l.file("etc/release", content + "\n")).build();
    return pusher.push(repository, "1.0", image);
  }

  private static KeylessAuthority ci() {
    return new KeylessAuthority("ci", List.of(Identity.regExp(ISSUER, "https://github\\.com/acme/web/.+")),
        sigstore.trustedRoot());
  }

  private static KeyAuthority releaseKey(boolean requireLog) {
    return new KeyAuthority("release", TestSigstore.pem(releaseKey.getPublic()), requireLog, sigstore.trustedRoot());
  }

  @Test
  void keylessCosignSignatureInTheRegistryVerifies() throws Exception {
    PushedImage image = pushImage("acme/web", "keyless");
    String repository = registry.host() + "/acme/web";
    TestCosignSigner cosign = new TestCosignSigner(sigstore);
    CosignSignaturePusher.push(pusher, "acme/web", image.digest(), List.of(
        cosign.signWithKey(TestSigstore.ecKey(), TestCosignSigner.payload(repository, image.digest())),
        cosign.signKeyless(TestCosignSigner.payload(repository, image.digest()), WORKFLOW, ISSUER, SIGNED, SIGNED.plusSeconds(2))));

    SignatureResult result = verifier.verify(repository, image.digest(), List.of(ci()));

    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals(WORKFLOW, result.identity());
    assertEquals(2, result.details().size());
    assertEquals(repository + ":" + image.digest().replace(':', '-') + ".sig layer 1", result.details().get(1).source());
  }

  @Test
  void keyedBundleReferrerVerifiesAmongOtherReferrers() throws Exception {
    PushedImage image = pushImage("acme/api", "bundle");
    String repository = registry.host() + "/acme/api";
    TestImage subject = TestImages.image().layer(l -> l.file("etc/release", "bundle\n")).build();
    byte[] bundle = new TestBundleSigner(sigstore).keyedDsse(releaseKey,
        TestBundleSigner.statement(repository, ImageDigest.parse(image.digest())), SIGNED);
    pusher.pushReferrer("acme/api", TestImages.artifact("application/spdx+json")
        .subject(subject).blob("application/spdx+json", "{}".getBytes(StandardCharsets.UTF_8)).build());
    TestArtifact attached = TestImages.artifact("application/vnd.dev.sigstore.bundle.v0.3+json")
        .subject(subject).blob("application/vnd.dev.sigstore.bundle.v0.3+json", bundle).build();
    pusher.pushReferrer("acme/api", attached);

    SignatureResult result = verifier.verify(repository, image.digest(), List.of(releaseKey(true)));

    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals("referrer " + attached.digest() + " layer 0", result.details().get(0).source());
    assertEquals(SIGNED, result.details().get(0).signedAt());
  }

  private static final String BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

  /** Attaches {@code bundle} as an OCI referrer of {@code subjectDigest} in {@code repository}. */
  private static TestArtifact attachBundle(String repository, String subjectDigest, long subjectSize, byte[] bundle) {
    TestArtifact artifact = TestImages.artifact(BUNDLE_V03)
        .subject("application/vnd.oci.image.manifest.v1+json", subjectDigest, subjectSize)
        .blob(BUNDLE_V03, bundle).build();
    pusher.pushReferrer(repository, artifact);
    return artifact;
  }

  /**
   * The conformance suite's Rekor v2 DSSE bundles are signed for a.txt, so they are attached to
   * a.txt's digest (the blob is in the repository too): the registry serves them as referrers
   * of that digest exactly as it serves an image's, and the ImagePolicy path verifies them.
   */
  @Test
  void conformanceRekorV2DsseBundleAttachedInTheRegistryVerifies() throws Exception {
    String suite = SigstoreConformanceTest.SUITE;
    byte[] artifact = TestResources.bytes(suite + "a.txt");
    String digest = pusher.pushBlob("conformance/rekor2", artifact);
    assertEquals(ImageDigest.sha256(PublicKeys.sha256(artifact)).toString(), digest);
    TestArtifact good = attachBundle("conformance/rekor2", digest, artifact.length,
        TestResources.bytes(suite + "rekor2-dsse-happy-path/bundle.sigstore.json"));
    attachBundle("conformance/rekor2", digest, artifact.length,
        TestResources.bytes(suite + "rekor2-dsse-mismatch-sig_fail/bundle.sigstore.json"));
    KeylessAuthority beacon = new KeylessAuthority("beacon",
        List.of(Identity.exact(SigstoreConformanceTest.DEFAULT_ISSUER, SigstoreConformanceTest.DEFAULT_IDENTITY)),
        TrustedRootSource.json(TestResources.bytes(suite + "rekor2-dsse-happy-path/trusted_root.json")));

    SignatureResult result = verifier.verify(registry.host() + "/conformance/rekor2", digest, List.of(beacon));

    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals(SigstoreConformanceTest.DEFAULT_IDENTITY, result.identity());
    assertEquals("referrer " + good.digest() + " layer 0", result.details().get(0).source());
    assertEquals(Instant.parse("2026-05-13T19:23:33Z"), result.details().get(0).signedAt());
  }

  @Test
  void conformanceRekorV2DsseBundlesThatMustFailAreInvalidInTheRegistry() throws Exception {
    String suite = SigstoreConformanceTest.SUITE;
    byte[] artifact = TestResources.bytes(suite + "a.txt");
    String digest = pusher.pushBlob("conformance/rekor2-fail", artifact);
    List<String> cases = List.of(
        "rekor2-dsse-invalid-sig_fail", "rekor2-dsse-mismatch-envelope_fail", "rekor2-dsse-mismatch-sig_fail");
    for (String failing : cases) {
      attachBundle("conformance/rekor2-fail", digest, artifact.length,
          TestResources.bytes(suite + failing + "/bundle.sigstore.json"));
    }
    KeylessAuthority beacon = new KeylessAuthority("beacon",
        List.of(Identity.exact(SigstoreConformanceTest.DEFAULT_ISSUER, SigstoreConformanceTest.DEFAULT_IDENTITY)),
        TrustedRootSource.json(TestResources.bytes(suite + "rekor2-dsse-happy-path/trusted_root.json")));

    SignatureResult result = verifier.verify(registry.host() + "/conformance/rekor2-fail", digest, List.of(beacon));

    assertEquals(SignatureStatus.Invalid, result.status(), result.reason());
    assertEquals(3, result.details().size(), result.details()::toString);
    for (int i = 0; i < cases.size(); i++) {
      assertTrue(result.details().get(i).reason().contains(SigstoreConformanceTest.REJECTIONS.get(cases.get(i))),
          result.details().get(i).reason());
    }
  }

  @Test
  void keylessRekorV2AttestationOfAnImageVerifies() throws Exception {
    PushedImage image = pushImage("acme/tiles", "rekor v2");
    String repository = registry.host() + "/acme/tiles";
    TestImage subject = TestImages.image().layer(l -> l.file("etc/release", "rekor v2\n")).build();
    byte[] bundle = new TestBundleSigner(sigstore).keylessRekorV2Dsse(
        TestBundleSigner.statement(repository, ImageDigest.parse(image.digest())), WORKFLOW, ISSUER, SIGNED,
        SIGNED.plusSeconds(4));
    TestArtifact attached = TestImages.artifact(BUNDLE_V03).subject(subject).blob(BUNDLE_V03, bundle).build();
    pusher.pushReferrer("acme/tiles", attached);

    SignatureResult result = verifier.verify(repository, image.digest(), List.of(ci()));

    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals(WORKFLOW, result.identity());
    assertEquals(SIGNED.plusSeconds(4), result.details().get(0).signedAt());
  }

  @Test
  void imageWithoutSignaturesIsUnsigned() {
    PushedImage image = pushImage("acme/plain", "unsigned");
    SignatureResult result = verifier.verify(registry.host() + "/acme/plain", image.digest(), List.of(releaseKey(false)));
    assertEquals(SignatureStatus.Unsigned, result.status(), result.reason());
  }

  @Test
  void signatureCopiedFromAnotherImageIsInvalid() throws Exception {
    PushedImage signedImage = pushImage("acme/signed", "original");
    PushedImage target = pushImage("acme/copy", "target");
    String signedRepository = registry.host() + "/acme/signed";
    TestCosignSigner.Signed signature = new TestCosignSigner(sigstore)
        .signWithKeyAndLog(releaseKey, TestCosignSigner.payload(signedRepository, signedImage.digest()), SIGNED);
    CosignSignaturePusher.push(pusher, "acme/signed", signedImage.digest(), List.of(signature));
    CosignSignaturePusher.push(pusher, "acme/copy", target.digest(), List.of(signature));

    assertEquals(SignatureStatus.Verified,
        verifier.verify(signedRepository, signedImage.digest(), List.of(releaseKey(true))).status());
    SignatureResult copied = verifier.verify(registry.host() + "/acme/copy", target.digest(), List.of(releaseKey(true)));
    assertEquals(SignatureStatus.Invalid, copied.status());
    assertEquals("signature payload is for image " + signedImage.digest() + ", not " + target.digest(),
        copied.details().get(0).reason());
  }

  @Test
  void unreachableRegistryIsAnError() {
    RegistryClient impatient = new RegistryClient(RegistryClientConfig.builder()
        .maxAttempts(1).connectTimeout(Duration.ofSeconds(2)).build());
    ImageSignatureVerifier offline = new ImageSignatureVerifier(
        new RegistrySignatureStore(impatient), new TrustedRoots(), Clock.systemUTC());
    SignatureResult result = offline.verify("127.0.0.1:1/acme/web", "sha256:" + "ab".repeat(32), List.of(releaseKey(false)));
    assertEquals(SignatureStatus.Error, result.status());
    assertTrue(result.reason().startsWith("cosign signatures could not be fetched: fetching 127.0.0.1:1/acme/web:sha256-"),
        result.reason());
  }
}
