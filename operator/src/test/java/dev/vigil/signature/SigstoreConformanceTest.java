package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundle-verification cases of the public sigstore-conformance suite (copied under
 * src/test/resources/sigstore/conformance, see its README), each run through the path an
 * ImagePolicy authority takes: the bundle is attached to the artifact's digest in a signature
 * store and {@link ImageSignatureVerifier} checks it against one authority built from the
 * case's key or identity and trusted root. Every {@code _fail} case must be rejected (a false
 * accept is a security defect), every other case accepted.
 */
class SigstoreConformanceTest {

  static final String SUITE = "sigstore/conformance/bundle-verify/";
  static final String DEFAULT_IDENTITY =
      "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
  static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";
  /** The suite's "Sigstore public-good production root" (see the conformance README). */
  static final String PUBLIC_GOOD_ROOT = "sigstore/trusted_roots/public-good-2023-with-tsa.json";
  private static final String REPOSITORY = "registry.vigil.test/conformance/artifact";

  /**
   * Why each {@code _fail} case must be rejected, as Vigil words it: a case rejected for an
   * incidental reason (a parse error, an unrelated check) would hide a false accept of the
   * defect the case is about.
   */
  static final Map<String, String> REJECTIONS =
      Map.ofEntries(
          Map.entry("bundle-empty-certificate-chain_fail", "bundle certificate chain is empty"),
          Map.entry("bundle-from-wrong-instance_fail",
              "transparency log entry comes from log d32f30a3c32d639c…, which the trusted root does not list"),
          Map.entry("bundle-invalid-base64-signature_fail", "bundle message signature is not valid base64"),
          Map.entry("bundle-malformed-json_fail", "bundle is not JSON"),
          Map.entry("bundle-negative-log-index_fail", "has a negative logIndex (-1)"),
          Map.entry("bundle-unknown-version_fail",
              "bundle media type 'application/vnd.dev.sigstore.bundle+json;version=99.9' is not a supported version"),
          Map.entry("bundle-with-root-cert_fail",
              "signing certificate comes with certificate CN=sigstore,O=sigstore.dev (issued by"
                  + " CN=sigstore,O=sigstore.dev), which certificate authority"),
          Map.entry("checkpoint-bad-keyhint_fail", "checkpoint carries no signature by log https://rekor.sigstore.dev"),
          Map.entry("checkpoint-wrong-roothash_fail", "is not the tree the inclusion proof is for"),
          Map.entry("dsse-invalid-sig_fail", "DSSE signature does not verify"),
          Map.entry("dsse-mismatch-envelope_fail", "transparency log entry records a different signature"),
          Map.entry("dsse-mismatch-sig_fail", "transparency log entry records a different signature"),
          Map.entry("inclusion-proof-corrupted-hash_fail", "inclusion proof does not lead to its root hash"),
          Map.entry("incorrect-public-key_fail", "transparency log entry records a different signing certificate"),
          Map.entry("integrated-time-in-future_fail",
              "certificate expired at 2026-05-07T15:28:10Z but the signature was logged at 2026-05-07T15:34:11Z"),
          Map.entry("intoto-expired-certificate_fail",
              "certificate only valid from 2030-01-01T00:00:00Z but the signature was logged at 2023-02-01T00:00:00Z"),
          Map.entry("intoto-log-entry-mismatch_fail", "transparency log entry records a different signature"),
          Map.entry("intoto-missing-inclusion-proof_fail", "has no inclusion proof, which v0.2 bundles require"),
          Map.entry("intoto-set-outside-signing-cert-validity_fail",
              "certificate expired at 2023-02-01T00:10:00Z but the signature was logged at 2023-02-02T00:00:00Z"),
          Map.entry("intoto-tsa-timestamp-outside-cert-validity_fail",
              "certificate expired at 2023-02-01T00:10:00Z but the signature was timestamped at 2023-02-02T00:00:00Z"),
          Map.entry("invalid-checkpoint-signature_fail",
              "checkpoint signature of rekor.sigstore.dev does not verify with the key of log https://rekor.sigstore.dev"),
          Map.entry("invalid-ct-key_fail", "certificate has no SCT from a CT log of the trusted root"),
          Map.entry("invalid-inclusion-proof_fail", "inclusion proof does not lead to its root hash"),
          Map.entry("managed-key-no-key_fail", "bundle is signed with a key, not a Fulcio certificate"),
          Map.entry("managed-key-wrong-key_fail", "public key is malformed: its point is not on the curve"),
          Map.entry("message-digest-mismatch_fail",
              "bundle signs SHA2_256 a1cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf, not sha256:a0cf"),
          Map.entry("rekor2-checkpoint-missing-log-signature_fail", "checkpoint is malformed: it has no signature lines"),
          Map.entry("rekor2-checkpoint-missing-origin_fail", "checkpoint is malformed: its note has 2 lines"),
          Map.entry("rekor2-checkpoint-missing-root-hash_fail", "checkpoint is malformed: its note has 2 lines"),
          Map.entry("rekor2-checkpoint-missing-size_fail", "checkpoint is malformed: its note has 2 lines"),
          Map.entry("rekor2-checkpoint-no-matching-signature_fail",
              "checkpoint carries no signature by log https://log2025-alpha1.rekor.sigstage.dev"),
          Map.entry("rekor2-dsse-invalid-sig_fail", "DSSE signature does not verify"),
          Map.entry("rekor2-dsse-mismatch-envelope_fail",
              "not the SHA-256 of this DSSE pre-authentication encoding"),
          Map.entry("rekor2-dsse-mismatch-sig_fail", "transparency log entry records a different signature"),
          Map.entry("rekor2-no-inclusion-proof_fail", "has no inclusion proof, which v0.3 bundles require"),
          Map.entry("rekor2-no-timestamp_fail", "Rekor v2 entries carry no integrated time, and the bundle has no RFC 3161 timestamp"),
          Map.entry("rekor2-timestamp-outside-trust-root-tsa-validity_fail",
              "it was generated at 2025-06-12T12:02:20Z, outside the validity of TSA"),
          Map.entry("rekor2-timestamp-outside-tsa-cert-validity_fail", "certificate not valid when time stamp created"),
          Map.entry("rekor2-timestamp-payload-mismatch_fail",
              "RFC 3161 timestamp is for other data: its message imprint"),
          Map.entry("rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
              "CN=www.freetsa.org,E=busilezas@gmail.com,L=Wuerzburg,ST=Bayern,C=DE serial 13972846748170250626,"
                  + " which is not a timestamp authority of the trusted root"),
          Map.entry("rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
              "which is not a timestamp authority of the trusted root"),
          Map.entry("rekor2-timestamp-with-incorrect-time_fail",
              "certificate expired at 2025-06-12T12:12:16Z but the signature was timestamped at 2025-07-15T10:33:31Z"),
          Map.entry("set-invalid-signature_fail",
              "Signed Entry Timestamp does not verify with the key of log https://rekor.sigstore.dev"),
          Map.entry("signature-mismatch_fail", "bundle message signature does not verify with the ECDSA P-256 key"),
          Map.entry("trust-root-tlog-missing-validity-start_fail",
              "trusted root is malformed: tlogs[1] (https://log2025-alpha1.rekor.sigstage.dev)"
                  + " publicKey.validFor has no start; a missing bound is not treated as open-ended"),
          Map.entry("wrong-hashedrekord-artifact_fail",
              "transparency log entry records data hash sha256:d40ec3eebcb2991494f22736a3f5fa7b2e4b6972d7c046d5c5d7e506abe9f752"),
          Map.entry("wrong-hashedrekord-cert-and-sig_fail", "transparency log entry records a different signature"),
          Map.entry("wrong-hashedrekord-entry_fail",
              "transparency log entry records data hash sha256:9d92fa52ed0a8a8d6c0ac3cb226291eadd15d5952ee9b40ff4906fd615419fa6"),
          Map.entry("wrong-material_fail",
              "bundle signs SHA2_256 a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf, not sha256:1fa7"));

  static Stream<String> cases() {
    try (Stream<Path> entries = Files.list(TestResources.path(SUITE))) {
      return entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void suiteHoldsAllSeventyCases() {
    List<String> all = cases().toList();
    assertEquals(70, all.size(), all::toString);
    assertEquals(49, all.stream().filter(c -> c.endsWith("_fail")).count(), all::toString);
    assertEquals(
        all.stream().filter(c -> c.endsWith("_fail")).collect(Collectors.toCollection(TreeSet::new)),
        new TreeSet<>(REJECTIONS.keySet()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void conformanceCase(String name) {
    Case c = Case.load(name);
    SignatureResult result = c.verify();
    if (name.endsWith("_fail")) {
      assertNotEquals(SignatureStatus.Verified, result.status(),
          () -> name + ": FALSE ACCEPT, the suite requires a rejection: " + result.reason());
      String expected = REJECTIONS.get(name);
      assertTrue(expected != null && result.reason().contains(expected),
          () -> name + ": rejected, but not for the reason its README gives (expected '" + expected
              + "'): " + result.reason());
    } else {
      assertEquals(SignatureStatus.Verified, result.status(),
          () -> name + ": false reject: " + result.reason());
    }
  }

  /** One folder of the suite, read as the conformance runner reads it. */
  record Case(String name, byte[] bundle, ImageDigest digest, Authority authority, String authorityError) {

    static Case load(String name) {
      String dir = SUITE + name + "/";
      byte[] artifact = optional(dir + "artifact");
      ImageDigest digest =
          ImageDigest.sha256(PublicKeys.sha256(artifact != null ? artifact : TestResources.bytes(SUITE + "a.txt")));
      byte[] rootJson = optional(dir + "trusted_root.json");
      TrustedRootSource root =
          TrustedRootSource.json(rootJson != null ? rootJson : TestResources.bytes(PUBLIC_GOOD_ROOT));
      byte[] key = optional(dir + "key.pub");
      Authority authority = null;
      String authorityError = null;
      try {
        if (key != null) {
          authority = new KeyAuthority("conformance-key", new String(key, StandardCharsets.UTF_8), true, root);
        } else {
          authority =
              new KeylessAuthority(
                  "conformance-identity",
                  List.of(Identity.exact(textOr(dir + "issuer", DEFAULT_ISSUER), textOr(dir + "identity", DEFAULT_IDENTITY))),
                  root);
        }
      } catch (IllegalArgumentException e) {
        authorityError = e.getMessage();
      }
      return new Case(name, TestResources.bytes(dir + "bundle.sigstore.json"), digest, authority, authorityError);
    }

    /**
     * An authority the policy cannot even build (a corrupted key) is a rejection of the
     * policy, reported as an Error result here.
     */
    SignatureResult verify() {
      if (authority == null) {
        return new SignatureResult(SignatureStatus.Error, null, null, null, Instant.EPOCH,
            "authority rejected: " + authorityError, List.of());
      }
      InMemorySignatureStore store = new InMemorySignatureStore();
      store.add(REPOSITORY, digest.toString(), new AttachedBundle(name + "/bundle.sigstore.json", bundle));
      ImageSignatureVerifier verifier =
          new ImageSignatureVerifier(store, new TrustedRoots(), Clock.fixed(Instant.parse("2026-08-20T00:00:00Z"), ZoneOffset.UTC));
      return verifier.verify(REPOSITORY, digest.toString(), List.of(authority));
    }

    private static byte[] optional(String relative) {
      try {
        return TestResources.bytes(relative);
      } catch (IllegalArgumentException missing) {
        return null;
      }
    }

    private static String textOr(String relative, String fallback) {
      byte[] bytes = optional(relative);
      return bytes == null ? fallback : new String(bytes, StandardCharsets.UTF_8).strip();
    }
  }
}
