package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 21 shared Sigstore/cosign vectors (see src/test/resources/sigstore/README.md): each
 * verifies or fails exactly as its README lists, with the reason Vigil gives.
 */
class SigstoreVectorsTest {

  private static final String V = "sigstore/vectors/";
  private static final String A_TXT_SHA256 =
      "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
  private static final String GOOGLE = "https://accounts.google.com";
  private static final String GITHUB = "https://token.actions.githubusercontent.com";
  private static final String BEACON =
      "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
  private static final String CONFORMANCE_SA =
      "untrusted-sa@sigstore-conformance.iam.gserviceaccount.com";

  private final TrustedRoots roots = new TrustedRoots();
  private final SigstoreBundleVerifier bundles = new SigstoreBundleVerifier(roots);
  private final CosignSignatureVerifier cosign = new CosignSignatureVerifier(roots);

  private static TrustedRootSource root(String name) {
    return TrustedRootSource.json(TestResources.bytes("sigstore/trusted_roots/" + name));
  }

  private static KeylessAuthority keyless(String issuer, String subject, TrustedRootSource root) {
    return new KeylessAuthority("test", List.of(Identity.exact(issuer, subject)), root);
  }

  private SignatureCheck bundle(String file, String digest, Authority authority) throws Exception {
    return bundles.verify(file, TestResources.bytes(V + file), ImageDigest.parse(digest), authority);
  }

  private static void assertVerified(SignatureCheck check) {
    assertTrue(check.verified(), () -> "expected verified, got: " + check.reason());
  }

  private static void assertRejected(SignatureCheck check, String reason) {
    assertFalse(check.verified(), () -> "expected rejection, got: " + check.reason());
    assertEquals(reason, check.reason());
  }

  @Test
  void v01HashedRekordBundleVerifiesForItsIdentity() throws Exception {
    SignatureCheck check =
        bundle("01-v0.1-hashedrekord-ok/bundle.v1.sigstore", A_TXT_SHA256,
            keyless(GOOGLE, "appu@google.com", root("public-good.json")));
    assertVerified(check);
    assertEquals("appu@google.com", check.identity());
    assertEquals(GOOGLE, check.issuer());
  }

  @Test
  void v01BundleAlsoVerifiesWithThe2023Root() throws Exception {
    assertVerified(
        bundle("01-v0.1-hashedrekord-ok/bundle.v1.sigstore", A_TXT_SHA256,
            keyless(GOOGLE, "appu@google.com", root("public-good-2023-with-tsa.json"))));
  }

  @Test
  void v02BundleVerifies() throws Exception {
    assertVerified(
        bundle("02-v0.2-hashedrekord-ok/bundle.v2.sigstore", A_TXT_SHA256,
            keyless(GOOGLE, "appu@google.com", root("public-good.json"))));
  }

  @Test
  void v03BundleVerifiesAndFailsForAnotherSubject() throws Exception {
    assertVerified(
        bundle("03-v0.3-hashedrekord-ok/bundle.v3.sigstore", A_TXT_SHA256,
            keyless(GOOGLE, "appu@google.com", root("public-good.json"))));
    assertRejected(
        bundle("03-v0.3-hashedrekord-ok/bundle.v3.sigstore", A_TXT_SHA256,
            keyless(GOOGLE, "someone@example.com", root("public-good.json"))),
        "certificate identity (subject appu@google.com, issuer https://accounts.google.com)"
            + " matches none of authority test's identities [issuer https://accounts.google.com"
            + " subject someone@example.com]");
  }

  @Test
  void v03BundleFailsForAnotherIssuer() throws Exception {
    assertRejected(
        bundle("03-v0.3-hashedrekord-ok/bundle.v3.sigstore", A_TXT_SHA256,
            keyless(GITHUB, "appu@google.com", root("public-good.json"))),
        "certificate identity (subject appu@google.com, issuer https://accounts.google.com)"
            + " matches none of authority test's identities [issuer " + GITHUB
            + " subject appu@google.com]");
  }

  @Test
  void v03BundleFailsForAnotherArtifactDigest() throws Exception {
    SignatureCheck check =
        bundle("03-v0.3-hashedrekord-ok/bundle.v3.sigstore", "sha256:" + "0".repeat(64),
            keyless(GOOGLE, "appu@google.com", root("public-good.json")));
    assertRejected(check,
        "bundle signs SHA2_256 a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf, not sha256:"
            + "0".repeat(64));
  }

  @Test
  void dsseInTotoBundleVerifiesForItsSubjectDigest() throws Exception {
    assertVerified(
        bundle("04-v0.3-dsse-intoto-ok/bundle.dsse.sigstore", A_TXT_SHA256,
            keyless(GITHUB,
                "https://github.com/loosebazooka/aa-test/.github/workflows/provenance.yaml@refs/heads/main",
                root("public-good.json"))));
  }

  @Test
  void dsseBundleWithBadSignatureFails() throws Exception {
    assertRejected(
        bundle("05-dsse-bad-signature-fail/bundle.dsse.bad-signature.sigstore", A_TXT_SHA256,
            keyless(GITHUB,
                "https://github.com/loosebazooka/aa-test/.github/workflows/provenance.yaml@refs/heads/main",
                root("public-good.json"))),
        "DSSE signature does not verify with the ECDSA P-256 key");
  }

  @Test
  void bundleWithAnotherEntrysSetFails() throws Exception {
    assertRejected(
        bundle("06-mismatched-set-fail/bundle-with-mismatched-set.sigstore", A_TXT_SHA256,
            keyless(GITHUB, BEACON, root("public-good.json"))),
        "Signed Entry Timestamp does not verify with the key of log https://rekor.sigstore.dev (the"
            + " entry's body, time, index or log id was altered, or the SET belongs to another entry)");
  }

  @Test
  void bundleWithAnotherArtifactsLogEntryFails() throws Exception {
    assertRejected(
        bundle("07-wrong-tlog-entry-fail/bundle-with-wrong-tlog-entry.sigstore", A_TXT_SHA256,
            keyless(GOOGLE, "appu@google.com", root("public-good.json"))),
        "transparency log entry records data hash"
            + " sha256:d40ec3eebcb2991494f22736a3f5fa7b2e4b6972d7c046d5c5d7e506abe9f752, not"
            + " sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf (the entry is for"
            + " other data)");
  }

  @Test
  void bundleWithBadCheckpointSignatureFails() throws Exception {
    assertRejected(
        bundle("08-bad-checkpoint-signature-fail/bundle-with-bad-checkpoint-signature.sigstore",
            A_TXT_SHA256, keyless(GITHUB, BEACON, root("public-good.json"))),
        "checkpoint signature of rekor.sigstore.dev does not verify with the key of log"
            + " https://rekor.sigstore.dev");
  }

  @Test
  void bundleSignedAfterCertificateExpiryFails() throws Exception {
    assertRejected(
        bundle("09-expired-cert-fail/bundle-with-expired-cert.sigstore", A_TXT_SHA256,
            keyless(GOOGLE, CONFORMANCE_SA, root("public-good.json"))),
        "certificate expired at 2026-05-07T15:28:10Z but the signature was logged at"
            + " 2026-05-07T15:34:11Z (signed after expiry)");
  }

  @Test
  void rsaLeafBundleFrom2026Verifies() throws Exception {
    assertVerified(
        bundle("10-rsa2048-2026-ok/PKIX_RSA_PKCS1V15_2048_SHA256.sigstore.json", A_TXT_SHA256,
            keyless(GOOGLE, CONFORMANCE_SA, root("public-good.json"))));
  }

  @Test
  void stagingRekorV2BundleWithTimestampVerifiesAgainstStagingRoot() throws Exception {
    SignatureCheck check =
        bundle("11-staging-rekor-v2-tsa-ok/bundle-with-rekor-v2-entry.sigstore", A_TXT_SHA256,
            keyless(GOOGLE, "aaronlew@google.com", root("staging.json")));
    assertVerified(check);
    // Rekor v2: no integrated time, the RFC 3161 timestamp is the time source
    assertEquals(Instant.parse("2025-07-02T18:51:51Z"), check.signedAt());
    assertEquals("bundle verified for aaronlew@google.com (issuer https://accounts.google.com),"
        + " timestamped at 2025-07-02T18:51:51Z", check.reason());
  }

  @Test
  void stagingBundleFailsAgainstProductionRoot() throws Exception {
    SignatureCheck check =
        bundle("12-conformance-bundle-from-wrong-instance-fail/bundle.sigstore.json", A_TXT_SHA256,
            keyless(GITHUB, BEACON, root("public-good.json")));
    assertRejected(check,
        "transparency log entry comes from log d32f30a3c32d639c…, which the trusted root does not list");
    assertVerified(
        bundle("12-conformance-bundle-from-wrong-instance-fail/bundle.sigstore.json", A_TXT_SHA256,
            keyless(GITHUB, BEACON, root("staging.json"))));
  }

  @Test
  void conformanceRekorV2HappyPathVerifiesWithItsOwnRoot() throws Exception {
    assertVerified(
        bundle("13-conformance-rekor2-happy-path-ok/bundle.sigstore.json", A_TXT_SHA256,
            keyless(GITHUB, BEACON, TrustedRootSource.json(
                TestResources.bytes(V + "13-conformance-rekor2-happy-path-ok/trusted_root.json")))));
  }

  @Test
  void managedKeyBundleVerifiesWithItsKeyAndLogEntry() throws Exception {
    KeyAuthority authority =
        new KeyAuthority("managed",
            TestResources.text(V + "14-conformance-managed-key-happy-path-ok/key.pub"), true,
            root("public-good-2023-with-tsa.json"));
    SignatureCheck check =
        bundle("14-conformance-managed-key-happy-path-ok/bundle.sigstore.json", A_TXT_SHA256, authority);
    assertVerified(check);
    assertEquals(Instant.ofEpochSecond(1766077479L), check.signedAt());
    assertEquals("key ECDSA P-256", check.identity());
  }

  @Test
  void managedKeyBundleFailsWithAnotherKey() throws Exception {
    KeyAuthority other =
        new KeyAuthority("other",
            TestResources.text(V + "19-cosign-simplesigning-key-ok/cosign.pub"), false,
            root("public-good-2023-with-tsa.json"));
    assertRejected(
        bundle("14-conformance-managed-key-happy-path-ok/bundle.sigstore.json", A_TXT_SHA256, other),
        "bundle message signature does not verify with the ECDSA P-256 key");
  }

  @Test
  void corruptedManagedKeyIsRejectedAsAnAuthority() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> new KeyAuthority("wrong",
                TestResources.text(V + "15-conformance-managed-key-wrong-key-fail/key.pub"), false,
                root("public-good-2023-with-tsa.json")));
    assertTrue(e.getMessage().startsWith("authority wrong: public key"), e.getMessage());
  }

  @Test
  void cosignOciAttestationVerifiesForTheImageDigestOnly() throws Exception {
    KeylessAuthority authority =
        keyless("https://github.com/login/oauth", "cody@soyland.com",
            TrustedRootSource.json(TestResources.bytes(V + "16-cosign-oci-attestation-ok/trusted_root_pgi.json")));
    assertVerified(
        bundle("16-cosign-oci-attestation-ok/oci-attestation.sigstore.json",
            "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4", authority));
    SignatureCheck other =
        bundle("16-cosign-oci-attestation-ok/oci-attestation.sigstore.json", A_TXT_SHA256, authority);
    assertRejected(other,
        "DSSE statement names no subject with digest " + A_TXT_SHA256 + " (the bundle is for another artifact)");
    assertVerified(
        bundle("16-cosign-oci-attestation-ok/oci-attestation.sigstore.json",
            "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4",
            keyless("https://github.com/login/oauth", "cody@soyland.com", root("public-good.json"))));
  }

  @Test
  void npmProvenanceV01BundleWithSetOnlyVerifiesBySha512Subject() throws Exception {
    SignatureCheck check =
        bundle("17-sigstore-go-npm-provenance-ok/bundle-provenance.json",
            "sha512:76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751",
            keyless(GITHUB,
                "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
                root("public-good.json")));
    assertVerified(check);
    assertEquals(Instant.ofEpochSecond(1681839912L), check.signedAt());
  }

  @Test
  void githubPrivateAttestationWithoutLogEntryIsRejected() throws Exception {
    assertRejected(
        bundle("18-github-private-no-tlog-ok/attestation.sigstore.json",
            "sha256:caa015ef69e9bc31a41322d6c71563ed9600c75bb988e4d639b1edc578580551",
            keyless(GITHUB,
                "https://github.com/neverendingsupport/slsa-attestations/.github/workflows/attest.yml@9f6d9dc1bfc02986955721eb15f89ad618f1cedb",
                root("github-fulcio.json"))),
        "bundle has no transparency log entry; keyless authority test requires one"
            + " (timestamp-only bundles are not accepted)");
  }

  // --- cosign tag scheme: signatures as containers/image stores them ---

  /** Reads containers/image's "\0sigstore-json\n{mimeType,payload,annotations}" file. */
  static CosignSignature containersImageSignature(String path) throws Exception {
    byte[] raw = TestResources.bytes(path);
    int newline = 0;
    while (raw[newline] != '\n') {
      newline++;
    }
    JsonNode json = new ObjectMapper().readTree(Arrays.copyOfRange(raw, newline + 1, raw.length));
    Map<String, String> annotations = new HashMap<>();
    json.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return new CosignSignature(path, Base64.getDecoder().decode(json.path("payload").asText()), annotations);
  }

  private static String manifestDigest(String path) {
    return ImageDigest.sha256(PublicKeys.sha256(TestResources.bytes(path))).toString();
  }

  @Test
  void cosignKeySignatureVerifiesWithItsKeyOnly() throws Exception {
    String dir = V + "19-cosign-simplesigning-key-ok/";
    CosignSignature signature = containersImageSignature(dir + "signature-1");
    assertEquals(TestResources.text(dir + "payload.json").strip(),
        new String(signature.payload(), StandardCharsets.UTF_8).strip());
    ImageDigest digest = ImageDigest.parse(manifestDigest(dir + "manifest.json"));
    assertEquals("sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00", digest.toString());
    SignatureCheck check =
        cosign.verify(signature, digest,
            new KeyAuthority("release", TestResources.text(dir + "cosign.pub"), false, null));
    assertVerified(check);
    assertEquals(
        "signature verified with the key of authority release (signed as"
            + " 192.168.64.2:5000/cosign-signed-single-sample)",
        check.reason());
    assertRejected(
        cosign.verify(signature, digest,
            new KeyAuthority("other", TestResources.text(dir + "cosign2.pub"), false, null)),
        "signature does not verify with the ECDSA P-256 key of authority other");
  }

  @Test
  void cosignKeySignatureWithoutRekorBundleFailsWhenTheLogIsRequired() throws Exception {
    String dir = V + "19-cosign-simplesigning-key-ok/";
    assertRejected(
        cosign.verify(containersImageSignature(dir + "signature-1"),
            ImageDigest.parse(manifestDigest(dir + "manifest.json")),
            new KeyAuthority("release", TestResources.text(dir + "cosign.pub"), true,
                root("public-good.json"))),
        "signature has no Rekor bundle (annotation dev.sigstore.cosign/bundle) but authority"
            + " release requires a transparency log entry");
  }

  @Test
  void cosignKeySignatureWithRekorBundleVerifiesItsSet() throws Exception {
    String dir = V + "20-cosign-simplesigning-key-rekor-ok/";
    SignatureCheck check =
        cosign.verify(containersImageSignature(dir + "signature-1"),
            ImageDigest.parse(manifestDigest(dir + "manifest.json")),
            new KeyAuthority("release", TestResources.text(dir + "cosign2.pub"), true,
                root("public-good.json")));
    assertVerified(check);
    assertEquals(Instant.ofEpochSecond(1674251859L), check.signedAt());
  }

  @Test
  void cosignFulcioSignatureVerifiesForItsIdentityAtLogTime() throws Exception {
    String dir = V + "21-cosign-simplesigning-fulcio-rekor-ok/";
    CosignSignature signature = containersImageSignature(dir + "signature-1");
    ImageDigest digest = ImageDigest.parse(manifestDigest(dir + "manifest.json"));
    SignatureCheck check =
        cosign.verify(signature, digest,
            keyless("https://github.com/login/oauth", "mitr@redhat.com", root("public-good.json")));
    assertVerified(check);
    assertEquals("mitr@redhat.com", check.identity());
    assertEquals("https://github.com/login/oauth", check.issuer());
    assertEquals(Instant.ofEpochSecond(1674247893L), check.signedAt());
    assertRejected(
        cosign.verify(signature, digest,
            keyless("https://github.com/login/oauth", "someone@redhat.com", root("public-good.json"))),
        "certificate identity (subject mitr@redhat.com, issuer https://github.com/login/oauth)"
            + " matches none of authority test's identities [issuer https://github.com/login/oauth"
            + " subject someone@redhat.com]");
  }

  @Test
  void cosignSignatureForAnotherDigestFails() throws Exception {
    String dir = V + "20-cosign-simplesigning-key-rekor-ok/";
    assertRejected(
        cosign.verify(containersImageSignature(dir + "signature-1"),
            ImageDigest.parse("sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"),
            new KeyAuthority("release", TestResources.text(dir + "cosign2.pub"), true,
                root("public-good.json"))),
        "signature payload is for image"
            + " sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a, not"
            + " sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00");
  }
}
