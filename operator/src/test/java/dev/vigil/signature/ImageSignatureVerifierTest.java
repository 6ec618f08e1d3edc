package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Signs images with the test Sigstore instance (keyed and keyless, cosign tag scheme and
 * bundles) and checks that every tampering is rejected with a clear reason.
 */
class ImageSignatureVerifierTest {

  private static final String REPO = "registry.vigil.test/payments/web";
  private static final String OTHER_REPO = "registry.vigil.test/payments/admin";
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final String OTHER_DIGEST = "sha256:" + "cd".repeat(32);
  private static final String ISSUER = "https://token.actions.githubusercontent.com";
  private static final String WORKFLOW =
      "https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1.4.0";
  private static final Instant SIGNED = Instant.parse("2025-03-01T10:00:00Z");
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private final TestSigstore sigstore = new TestSigstore();
  private final TestCosignSigner cosign = new TestCosignSigner(sigstore);
  private final TestBundleSigner bundles = new TestBundleSigner(sigstore);
  private final InMemorySignatureStore store = new InMemorySignatureStore();
  private final ImageSignatureVerifier verifier =
      new ImageSignatureVerifier(store, new TrustedRoots(), Clock.fixed(NOW, ZoneOffset.UTC));
  private final KeyPair releaseKey = TestSigstore.ecKey();

  private KeyAuthority keyAuthority(KeyPair key, boolean requireLog) {
    return new KeyAuthority("release-key", TestSigstore.pem(key.getPublic()), requireLog, sigstore.trustedRoot());
  }

  private KeylessAuthority ciAuthority() {
    return new KeylessAuthority(
        "ci-keyless",
        List.of(Identity.regExp(ISSUER, "^https://github\\.com/acme/.+/\\.github/workflows/release\\.yml@refs/tags/v.+$")),
        sigstore.trustedRoot());
  }

  private SignatureResult verify(Authority... authorities) {
    return verifier.verify(REPO, DIGEST, List.of(authorities));
  }

  private void attach(TestCosignSigner.Signed signed) {
    store.add(REPO, DIGEST, signed.toSignature("cosign sha256-ab.sig layer 0"));
  }

  private static void assertInvalid(SignatureResult result, String reason) {
    assertEquals(SignatureStatus.Invalid, result.status(), result.reason());
    assertEquals(1, result.details().size(), result.details()::toString);
    assertEquals(reason, result.details().get(0).reason());
    assertEquals("1 signature found, none verified: " + result.details().get(0).authority() + ": " + reason,
        result.reason());
  }

  @Test
  void keySignedImageIsVerifiedWithItsKey() {
    attach(cosign.signWithKey(releaseKey, TestCosignSigner.payload(REPO, DIGEST)));
    SignatureResult result = verify(keyAuthority(releaseKey, false));
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals("release-key", result.authority());
    assertEquals("key ECDSA P-256", result.identity());
    assertNull(result.issuer());
    assertEquals(NOW, result.verifiedAt());
    assertEquals("signature verified with the key of authority release-key (signed as " + REPO + ")",
        result.reason());
  }

  @Test
  void keySignedAndLoggedImageReportsTheLogTime() {
    attach(cosign.signWithKeyAndLog(releaseKey, TestCosignSigner.payload(REPO, DIGEST), SIGNED));
    SignatureResult result = verify(keyAuthority(releaseKey, true));
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals(SIGNED, result.details().get(0).signedAt());
  }

  @Test
  void wrongDigestInPayloadIsRejected() {
    attach(cosign.signWithKey(releaseKey, TestCosignSigner.payload(REPO, OTHER_DIGEST)));
    assertInvalid(verify(keyAuthority(releaseKey, false)),
        "signature payload is for image " + OTHER_DIGEST + ", not " + DIGEST);
  }

  @Test
  void payloadEditedAfterSigningIsRejected() {
    TestCosignSigner.Signed signed = cosign.signWithKey(releaseKey, TestCosignSigner.payload("evil.test/other", DIGEST));
    attach(signed.withPayload(TestCosignSigner.payload(REPO, DIGEST)));
    assertInvalid(verify(keyAuthority(releaseKey, false)),
        "signature does not verify with the ECDSA P-256 key of authority release-key");
  }

  @Test
  void signatureByAnotherKeyIsRejected() {
    attach(cosign.signWithKey(TestSigstore.ecKey(), TestCosignSigner.payload(REPO, DIGEST)));
    assertInvalid(verify(keyAuthority(releaseKey, false)),
        "signature does not verify with the ECDSA P-256 key of authority release-key");
  }

  @Test
  void signatureForAnotherRepositorysImageIsRejected() {
    // A valid signature of the admin image, copied next to the web image.
    TestCosignSigner.Signed adminSignature =
        cosign.signWithKeyAndLog(releaseKey, TestCosignSigner.payload(OTHER_REPO, OTHER_DIGEST), SIGNED);
    store.add(OTHER_REPO, OTHER_DIGEST, adminSignature.toSignature("admin"));
    assertEquals(SignatureStatus.Verified,
        verifier.verify(OTHER_REPO, OTHER_DIGEST, List.of(keyAuthority(releaseKey, true))).status());
    attach(adminSignature);
    assertInvalid(verify(keyAuthority(releaseKey, true)),
        "signature payload is for image " + OTHER_DIGEST + ", not " + DIGEST);
  }

  @Test
  void missingSetIsRejectedWhenTheLogIsRequired() {
    attach(cosign.signWithKey(releaseKey, TestCosignSigner.payload(REPO, DIGEST)));
    assertInvalid(verify(keyAuthority(releaseKey, true)),
        "signature has no Rekor bundle (annotation dev.sigstore.cosign/bundle) but authority"
            + " release-key requires a transparency log entry");
  }

  @Test
  void tamperedSetIsRejected() {
    TestCosignSigner.Signed signed =
        cosign.signWithKeyAndLog(releaseKey, TestCosignSigner.payload(REPO, DIGEST), SIGNED);
    String annotation = signed.annotations().get(CosignSignature.BUNDLE_ANNOTATION);
    attach(signed.with(CosignSignature.BUNDLE_ANNOTATION,
        annotation.replace("\"integratedTime\":" + SIGNED.getEpochSecond(),
            "\"integratedTime\":" + (SIGNED.getEpochSecond() - 3600))));
    assertInvalid(verify(keyAuthority(releaseKey, false)),
        "Signed Entry Timestamp does not verify with the key of log https://" + TestSigstore.REKOR_HOST
            + " (the entry's body, time, index or log id was altered, or the SET belongs to another entry)");
  }

  @Test
  void logEntryOfAnotherSignatureIsRejected() {
    TestCosignSigner.Signed signed = cosign.signWithKey(releaseKey, TestCosignSigner.payload(REPO, DIGEST));
    TestCosignSigner.Signed other =
        cosign.signWithKeyAndLog(releaseKey, TestCosignSigner.payload(REPO, OTHER_DIGEST), SIGNED);
    attach(signed.with(CosignSignature.BUNDLE_ANNOTATION, other.annotations().get(CosignSignature.BUNDLE_ANNOTATION)));
    SignatureResult result = verify(keyAuthority(releaseKey, true));
    assertEquals(SignatureStatus.Invalid, result.status());
    assertTrue(result.details().get(0).reason().endsWith("(the entry is for other data)"),
        result.details().get(0).reason());
  }

  @Test
  void keylessSignatureIsVerifiedForAMatchingIdentity() {
    attach(cosign.signKeyless(TestCosignSigner.payload(REPO, DIGEST), WORKFLOW, ISSUER, SIGNED, SIGNED.plusSeconds(5)));
    SignatureResult result = verify(ciAuthority());
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals("ci-keyless", result.authority());
    assertEquals(WORKFLOW, result.identity());
    assertEquals(ISSUER, result.issuer());
    assertEquals(SIGNED.plusSeconds(5), result.details().get(0).signedAt());
  }

  @Test
  void keylessSignatureOfAnotherIdentityIsRejected() {
    String fork = "https://github.com/evil/web/.github/workflows/release.yml@refs/tags/v1.4.0";
    attach(cosign.signKeyless(TestCosignSigner.payload(REPO, DIGEST), fork, ISSUER, SIGNED, SIGNED.plusSeconds(5)));
    assertInvalid(verify(ciAuthority()),
        "certificate identity (subject " + fork + ", issuer " + ISSUER + ") matches none of authority"
            + " ci-keyless's identities [issuer " + ISSUER + " subject matching "
            + ciAuthority().identities().get(0).subjectRegExp() + "]");
  }

  @Test
  void keylessSignatureFromAnotherIssuerIsRejected() {
    attach(cosign.signKeyless(TestCosignSigner.payload(REPO, DIGEST), WORKFLOW, "https://gitlab.example.com",
        SIGNED, SIGNED.plusSeconds(5)));
    SignatureResult result = verify(ciAuthority());
    assertEquals(SignatureStatus.Invalid, result.status());
    assertTrue(result.details().get(0).reason().startsWith(
        "certificate identity (subject " + WORKFLOW + ", issuer https://gitlab.example.com) matches none"),
        result.details().get(0).reason());
  }

  @Test
  void subjectRegExpMustMatchTheWholeSubject() {
    String longer = WORKFLOW + "/../../evil";
    attach(cosign.signKeyless(TestCosignSigner.payload(REPO, DIGEST), "x" + longer, ISSUER, SIGNED, SIGNED.plusSeconds(5)));
    KeylessAuthority unanchored =
        new KeylessAuthority("loose", List.of(Identity.regExp(ISSUER, "https://github\\.com/acme/.+")),
            sigstore.trustedRoot());
    assertEquals(SignatureStatus.Invalid, verify(unanchored).status());
  }

  @Test
  void keylessSignatureLoggedAfterCertificateExpiryIsRejected() {
    Instant logged = SIGNED.plusSeconds(20 * 60);
    attach(cosign.signKeyless(TestCosignSigner.payload(REPO, DIGEST), WORKFLOW, ISSUER, SIGNED, logged));
    assertInvalid(verify(ciAuthority()),
        "certificate expired at " + SIGNED.plusSeconds(600) + " but the signature was logged at " + logged
            + " (signed after expiry)");
  }

  @Test
  void keylessSignatureWithoutRekorBundleIsRejected() {
    attach(cosign.signKeyless(TestCosignSigner.payload(REPO, DIGEST), WORKFLOW, ISSUER, SIGNED, SIGNED)
        .without(CosignSignature.BUNDLE_ANNOTATION));
    assertInvalid(verify(ciAuthority()),
        "keyless signature has no Rekor bundle (annotation dev.sigstore.cosign/bundle), so the time it"
            + " was signed, and thus the certificate's validity, cannot be established");
  }

  @Test
  void keylessCertificateFromAnotherCaIsRejected() {
    TestSigstore rogue = new TestSigstore();
    // Rogue CA, but logged in the trusted Rekor so that only the chain check can fail.
    TestCosignSigner.Signed signed =
        new TestCosignSigner(rogue).signKeyless(TestCosignSigner.payload(REPO, DIGEST), WORKFLOW, ISSUER, SIGNED, SIGNED);
    String certificate = signed.annotations().get(CosignSignature.CERTIFICATE_ANNOTATION);
    byte[] signature = java.util.Base64.getDecoder().decode(signed.annotations().get(CosignSignature.SIGNATURE_ANNOTATION));
    attach(signed.with(CosignSignature.BUNDLE_ANNOTATION, TestCosignSigner.bundleAnnotation(
        sigstore.log(TestCosignSigner.hashedRekord(signed.payload(), signature, certificate), SIGNED))));
    SignatureResult result = verify(ciAuthority());
    assertEquals(SignatureStatus.Invalid, result.status());
    assertEquals("certificate was not issued by a certificate authority of the trusted root (its issuer is"
        + " CN=Vigil Test Intermediate,O=vigil.test)", result.details().get(0).reason());
  }

  @Test
  void keylessBundleReferrerIsVerified() {
    store.add(REPO, DIGEST, new AttachedBundle("referrer sha256:01",
        bundles.keylessMessageSignature(ImageDigest.parse(DIGEST), WORKFLOW, ISSUER, SIGNED, SIGNED.plusSeconds(3))));
    SignatureResult result = verify(ciAuthority());
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals(WORKFLOW, result.identity());
    assertEquals(SIGNED.plusSeconds(3), result.details().get(0).signedAt());
  }

  @Test
  void keylessBundleLoggedAfterExpiryIsRejected() {
    Instant logged = SIGNED.plusSeconds(11 * 60);
    store.add(REPO, DIGEST, new AttachedBundle("referrer sha256:01",
        bundles.keylessMessageSignature(ImageDigest.parse(DIGEST), WORKFLOW, ISSUER, SIGNED, logged)));
    assertInvalid(verify(ciAuthority()),
        "certificate expired at " + SIGNED.plusSeconds(600) + " but the signature was logged at " + logged
            + " (signed after expiry)");
  }

  @Test
  void keylessBundleForAnotherDigestIsRejected() {
    store.add(REPO, DIGEST, new AttachedBundle("referrer sha256:01",
        bundles.keylessMessageSignature(ImageDigest.parse(OTHER_DIGEST), WORKFLOW, ISSUER, SIGNED, SIGNED)));
    SignatureResult result = verify(ciAuthority());
    assertEquals(SignatureStatus.Invalid, result.status());
    assertEquals("bundle signs SHA2_256 " + OTHER_DIGEST.substring(7) + ", not " + DIGEST,
        result.details().get(0).reason());
  }

  @Test
  void keyedDsseBundleReferrerIsVerifiedWithAndWithoutLog() {
    byte[] statement = TestBundleSigner.statement(REPO, ImageDigest.parse(DIGEST));
    store.add(REPO, DIGEST, new AttachedBundle("referrer sha256:02", bundles.keyedDsse(releaseKey, statement, SIGNED)));
    SignatureResult logged = verify(keyAuthority(releaseKey, true));
    assertEquals(SignatureStatus.Verified, logged.status(), logged.reason());
    assertEquals(SIGNED, logged.details().get(0).signedAt());
  }

  @Test
  void keyedDsseBundleWithoutLogFailsWhenTheLogIsRequired() {
    byte[] statement = TestBundleSigner.statement(REPO, ImageDigest.parse(DIGEST));
    store.add(REPO, DIGEST, new AttachedBundle("referrer sha256:02", bundles.keyedDsse(releaseKey, statement, null)));
    assertEquals(SignatureStatus.Verified, verify(keyAuthority(releaseKey, false)).status());
    assertInvalid(verify(keyAuthority(releaseKey, true)),
        "bundle has no transparency log entry but authority release-key requires one");
  }

  @Test
  void keyedDsseBundleForAnotherSubjectIsRejected() {
    byte[] statement = TestBundleSigner.statement(REPO, ImageDigest.parse(OTHER_DIGEST));
    store.add(REPO, DIGEST, new AttachedBundle("referrer sha256:02", bundles.keyedDsse(releaseKey, statement, null)));
    assertInvalid(verify(keyAuthority(releaseKey, false)),
        "DSSE statement names no subject with digest " + DIGEST + " (the bundle is for another artifact)");
  }

  @Test
  void anyOneAuthoritySuffices() {
    attach(cosign.signKeyless(TestCosignSigner.payload(REPO, DIGEST), WORKFLOW, ISSUER, SIGNED, SIGNED));
    SignatureResult result = verify(keyAuthority(releaseKey, false), ciAuthority());
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals("ci-keyless", result.authority());
    assertEquals(2, result.details().size());
    assertEquals(false, result.details().get(0).verified());
  }

  @Test
  void imageWithoutSignaturesIsUnsigned() {
    SignatureResult result = verify(keyAuthority(releaseKey, false));
    assertEquals(SignatureStatus.Unsigned, result.status());
    assertEquals("no cosign signature (tag sha256-" + "ab".repeat(32) + ".sig) and no Sigstore bundle"
        + " referrer found for " + DIGEST, result.reason());
  }

  @Test
  void storeFailureIsAnError() {
    store.failure = "registry.vigil.test answered 503";
    SignatureResult result = verify(keyAuthority(releaseKey, false));
    assertEquals(SignatureStatus.Error, result.status());
    assertEquals("cosign signatures could not be fetched: registry.vigil.test answered 503; Sigstore"
        + " bundles could not be fetched: registry.vigil.test answered 503", result.reason());
  }

  @Test
  void unparseableTrustedRootIsAnError() {
    attach(cosign.signKeyless(TestCosignSigner.payload(REPO, DIGEST), WORKFLOW, ISSUER, SIGNED, SIGNED));
    KeylessAuthority broken = new KeylessAuthority("broken", List.of(Identity.exact(ISSUER, WORKFLOW)),
        TrustedRootSource.json("{\"tlogs\": 5}".getBytes()));
    SignatureResult result = verify(broken);
    assertEquals(SignatureStatus.Error, result.status());
    assertEquals("authority broken: trusted root is malformed: mediaType is missing; supported:"
        + " application/vnd.dev.sigstore.trustedroot+json;version=0.1,"
        + " application/vnd.dev.sigstore.trustedroot.v0.2+json", result.reason());
  }

  @Test
  void malformedDigestIsAnError() {
    SignatureResult result = verifier.verify(REPO, "sha256:xyz", List.of(keyAuthority(releaseKey, false)));
    assertEquals(SignatureStatus.Error, result.status());
    assertEquals("cannot verify " + REPO + "@sha256:xyz: malformed sha256 digest: expected 64 lowercase"
        + " hex characters", result.reason());
  }

  @Test
  void malformedSignatureLayersAreInvalidNotCrashes() {
    attach(new TestCosignSigner.Signed("not json".getBytes(), new java.util.HashMap<>(java.util.Map.of(
        CosignSignature.SIGNATURE_ANNOTATION, "!!!"))));
    store.add(REPO, DIGEST, new AttachedBundle("garbage", "{\"mediaType\":\"text/plain\"}".getBytes()));
    SignatureResult result = verify(keyAuthority(releaseKey, false));
    assertEquals(SignatureStatus.Invalid, result.status());
    assertEquals("signature payload is not JSON", result.details().get(0).reason());
    assertEquals("not a Sigstore bundle (mediaType 'text/plain')", result.details().get(1).reason());
  }
}
