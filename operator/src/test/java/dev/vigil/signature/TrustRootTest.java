package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trusted roots are read strictly: every field that bounds trust must be present and
 * consistent, or the root is refused with a reason naming the field. The base root is the
 * staging root the conformance suite ships (Rekor v1 and v2 logs, Fulcio, three CT logs, a
 * TSA), edited one field at a time. The second half checks the validity periods at
 * verification time, with real bundles.
 */
class TrustRootTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUITE = SigstoreConformanceTest.SUITE;
  private static final String STAGING = SUITE + "rekor2-happy-path/trusted_root.json";
  private static final String A_TXT_SHA256 =
      "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

  private static byte[] edited(String resource, Consumer<ObjectNode> change) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(TestResources.bytes(resource));
      change.accept(root);
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode at(ObjectNode root, String pointer) {
    return (ObjectNode) root.at(pointer);
  }

  private static String rejection(Consumer<ObjectNode> change) {
    TrustedRootException e =
        assertThrows(TrustedRootException.class, () -> TrustRoot.parse(edited(STAGING, change)));
    return e.getMessage();
  }

  @Test
  void stagingRootIsReadWithEveryInstance() throws Exception {
    TrustRoot root = TrustRoot.parse(TestResources.bytes(STAGING));
    assertEquals(2, root.tlogs().size());
    assertEquals(3, root.ctlogs().size());
    assertEquals(1, root.certificateAuthorities().size());
    assertEquals(1, root.timestampAuthorities().size());
    TrustRoot.LogInstance rekorV2 = root.tlogs().get(1);
    assertEquals("log2025-alpha1.rekor.sigstage.dev", rekorV2.name());
    assertEquals("PKIX_ED25519", rekorV2.key().details());
    assertEquals(new TrustRoot.TimeRange(Instant.parse("2025-04-16T00:00:00Z"), null), rekorV2.validFor());
    assertEquals("f30d5a99", HexFormat.of().formatHex(rekorV2.keyHint()));
    // the deprecated PKCS#1 RSA encoding of staging's first CT log is still read
    assertEquals("SHA256withRSA", root.ctlogs().get(0).key().jcaAlgorithm());
  }

  @Test
  void everyRootTheTestsUseIsStrictlyValid() throws Exception {
    for (String name : List.of("public-good.json", "public-good-2023-with-tsa.json", "staging.json", "github-fulcio.json")) {
      assertNotNull(TrustRoot.parse(TestResources.bytes("sigstore/trusted_roots/" + name)), name);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/tlogs/1/publicKey/validFor", "/ctlogs/2/publicKey/validFor",
      "/certificateAuthorities/0/validFor", "/timestampAuthorities/0/validFor"})
  void validityWithoutStartIsRefusedForEveryKindOfInstance(String pointer) {
    String message = rejection(r -> at(r, pointer).remove("start"));
    assertTrue(message.endsWith(" has no start; a missing bound is not treated as open-ended"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/tlogs/1/publicKey", "/ctlogs/2/publicKey", "/certificateAuthorities/0", "/timestampAuthorities/0"})
  void missingValidityIsRefusedForEveryKindOfInstance(String pointer) {
    String message = rejection(r -> at(r, pointer).remove("validFor"));
    assertTrue(message.endsWith("validFor is missing; every instance needs a validity period with a start"), message);
  }

  @Test
  void validityEndingBeforeItStartsIsRefused() {
    assertEquals(
        "trusted root is malformed: certificateAuthorities[0] (https://fulcio.sigstage.dev) validFor ends"
            + " (2022-01-01T00:00:00Z) before it starts (2022-04-14T21:38:40Z)",
        rejection(r -> at(r, "/certificateAuthorities/0/validFor").put("end", "2022-01-01T00:00:00Z")));
  }

  @Test
  void validityThatIsNotATimeIsRefused() {
    assertEquals(
        "trusted root is malformed: timestampAuthorities[0] (https://timestamp.sigstage.dev/api/v1/timestamp)"
            + " validFor.start 'yesterday' is not an RFC 3339 time",
        rejection(r -> at(r, "/timestampAuthorities/0/validFor").put("start", "yesterday")));
  }

  @Test
  void unknownKeyDetailsAreRefused() {
    assertEquals(
        "trusted root is malformed: tlogs[0] (https://rekor.sigstage.dev) publicKey.keyDetails"
            + " 'PKIX_ECDSA_P256_SHA3' is unknown",
        rejection(r -> at(r, "/tlogs/0/publicKey").put("keyDetails", "PKIX_ECDSA_P256_SHA3")));
  }

  @Test
  void keyDetailsVigilCannotVerifyAreRefused() {
    assertEquals(
        "trusted root is malformed: ctlogs[1] (https://ctfe.sigstage.dev/2022) publicKey.keyDetails"
            + " ML_DSA_65 is not supported by Vigil",
        rejection(r -> at(r, "/ctlogs/1/publicKey").put("keyDetails", "ML_DSA_65")));
  }

  @Test
  void keyDetailsThatDoNotMatchTheKeyAreRefused() {
    assertEquals(
        "trusted root is malformed: tlogs[1] (https://log2025-alpha1.rekor.sigstage.dev) publicKey does not"
            + " hold a PKIX_ECDSA_P256_SHA_256 key: it is a key of type Ed25519",
        rejection(r -> at(r, "/tlogs/1/publicKey").put("keyDetails", "PKIX_ECDSA_P256_SHA_256")));
    assertTrue(
        rejection(r -> at(r, "/tlogs/0/publicKey").put("keyDetails", "PKIX_ECDSA_P384_SHA_384"))
            .endsWith("publicKey does not hold a PKIX_ECDSA_P384_SHA_384 key: it is a key of type ECDSA P-256"));
  }

  @Test
  void logsWithAnotherMerkleHashAreRefused() {
    assertEquals(
        "trusted root is malformed: tlogs[0] (https://rekor.sigstage.dev) has hashAlgorithm SHA2_384;"
            + " only SHA2_256 logs are supported",
        rejection(r -> at(r, "/tlogs/0").put("hashAlgorithm", "SHA2_384")));
    assertEquals(
        "trusted root is malformed: ctlogs[0] (https://ctfe.sigstage.dev/test) has hashAlgorithm unset;"
            + " only SHA2_256 logs are supported",
        rejection(r -> at(r, "/ctlogs/0").remove("hashAlgorithm")));
  }

  @Test
  void duplicateLogIdsAreRefused() {
    assertEquals(
        "trusted root is malformed: tlogs[1] (https://log2025-alpha1.rekor.sigstage.dev) has the same log id"
            + " as tlogs[0]; log ids must be unique, or an entry could be checked against the wrong key",
        rejection(r -> at(r, "/tlogs/1").set("logId", r.at("/tlogs/0/logId").deepCopy())));
    assertTrue(
        rejection(r -> at(r, "/ctlogs/2").set("logId", r.at("/ctlogs/1/logId").deepCopy()))
            .contains("ctlogs[2] (https://ctfe.sigstage.dev/2022-2) has the same log id as ctlogs[1]"));
  }

  @Test
  void logIdsThatAreNotSha256AreRefused() {
    assertEquals(
        "trusted root is malformed: tlogs[0] (https://rekor.sigstage.dev) logId.keyId is 4 bytes, not a 32-byte"
            + " SHA-256",
        rejection(r -> at(r, "/tlogs/0/logId").put("keyId", "AAAAAA==")));
  }

  @Test
  void certificateChainsThatDoNotLinkAreRefused() {
    String message = rejection(r -> {
      ArrayNode chain = (ArrayNode) r.at("/certificateAuthorities/0/certChain/certificates");
      JsonNode first = chain.remove(0);
      chain.add(first);
    });
    assertTrue(message.startsWith("trusted root is malformed: certificateAuthorities[0] (https://fulcio.sigstage.dev)"
        + " certChain.certificates[0] is issued by "), message);
  }

  @Test
  void certificateAuthorityChainsHoldOnlyCaCertificates() {
    String message = rejection(r -> at(r, "/certificateAuthorities/0")
        .set("certChain", r.at("/timestampAuthorities/0/certChain").deepCopy()));
    assertTrue(message.endsWith("is not a CA certificate"), message);
  }

  @Test
  void timestampAuthoritiesMustSignWithATimeStampingCertificate() {
    assertEquals(
        "trusted root is malformed: timestampAuthorities[0] (https://timestamp.sigstage.dev/api/v1/timestamp)"
            + " signing certificate is not issued for time stamping",
        rejection(r -> at(r, "/timestampAuthorities/0")
            .set("certChain", r.at("/certificateAuthorities/0/certChain").deepCopy())));
  }

  @Test
  void emptyCertificateChainsAreRefused() {
    assertEquals(
        "trusted root is malformed: certificateAuthorities[0] (https://fulcio.sigstage.dev) has no"
            + " certChain.certificates",
        rejection(r -> at(r, "/certificateAuthorities/0/certChain").putArray("certificates")));
  }

  @Test
  void unknownMediaTypeIsRefused() {
    assertEquals(
        "trusted root is malformed: mediaType is 'application/vnd.dev.sigstore.trustedroot+json;version=0.9';"
            + " supported: application/vnd.dev.sigstore.trustedroot+json;version=0.1,"
            + " application/vnd.dev.sigstore.trustedroot.v0.2+json",
        rejection(r -> r.put("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.9")));
  }

  @Test
  void checkpointKeyIdsBelongToV02RootsOnly() {
    assertTrue(
        rejection(r -> at(r, "/tlogs/1").putObject("checkpointKeyId").put("keyId", "8w1amQ=="))
            .endsWith("has a checkpointKeyId, which only application/vnd.dev.sigstore.trustedroot.v0.2+json roots carry"));
  }

  @Test
  void malformedKeyBytesAreRefused() {
    assertEquals(
        "trusted root is malformed: tlogs[0] (https://rekor.sigstage.dev) publicKey.rawBytes is not base64",
        rejection(r -> at(r, "/tlogs/0/publicKey").put("rawBytes", "not*base64")));
  }

  // --- validity periods at verification time, with real bundles ---

  private static SignatureCheck happyPathV01(TrustedRootSource root) throws Exception {
    return new SigstoreBundleVerifier(new TrustedRoots())
        .verify("happy-path-v0.1", TestResources.bytes(SUITE + "happy-path-v0.1/bundle.sigstore.json"),
            ImageDigest.parse(A_TXT_SHA256),
            new KeylessAuthority("beacon",
                List.of(Identity.exact(SigstoreConformanceTest.DEFAULT_ISSUER, SigstoreConformanceTest.DEFAULT_IDENTITY)),
                root));
  }

  private static final String PUBLIC_GOOD = "sigstore/trusted_roots/public-good.json";

  @Test
  void logValidityEndsAtTheIntegratedTimeInclusively() throws Exception {
    assertTrue(happyPathV01(TrustedRootSource.json(edited(PUBLIC_GOOD,
        r -> at(r, "/tlogs/0/publicKey/validFor").put("end", "2023-07-12T15:56:36Z")))).verified());
    SignatureCheck oneSecondEarlier = happyPathV01(TrustedRootSource.json(edited(PUBLIC_GOOD,
        r -> at(r, "/tlogs/0/publicKey/validFor").put("end", "2023-07-12T15:56:35Z"))));
    assertEquals("transparency log https://rekor.sigstore.dev was not valid at the entry's integrated time"
        + " 2023-07-12T15:56:36Z (valid [2021-01-12T11:53:27Z, 2023-07-12T15:56:35Z])", oneSecondEarlier.reason());
  }

  @Test
  void logThatStartsAfterTheIntegratedTimeIsRefused() throws Exception {
    SignatureCheck check = happyPathV01(TrustedRootSource.json(edited(PUBLIC_GOOD,
        r -> at(r, "/tlogs/0/publicKey/validFor").put("start", "2023-07-12T15:56:37Z"))));
    assertEquals("transparency log https://rekor.sigstore.dev was not valid at the entry's integrated time"
        + " 2023-07-12T15:56:36Z (valid [2023-07-12T15:56:37Z, no end])", check.reason());
  }

  @Test
  void certificateAuthorityOutsideItsValidityAtSigningIsRefused() throws Exception {
    SignatureCheck check = happyPathV01(TrustedRootSource.json(edited(PUBLIC_GOOD,
        r -> at(r, "/certificateAuthorities/1/validFor").put("end", "2023-07-12T15:56:35Z"))));
    assertTrue(check.reason().startsWith("certificate is not trusted: it was signed at 2023-07-12T15:56:36Z, outside"
        + " the validity of certificate authority https://fulcio.sigstore.dev"), check.reason());
  }

  @Test
  void ctLogOutsideItsValidityAtTheSctTimeIsRefused() throws Exception {
    SignatureCheck check = happyPathV01(TrustedRootSource.json(edited(PUBLIC_GOOD,
        r -> at(r, "/ctlogs/1/publicKey/validFor").put("end", "2023-07-12T15:00:00Z"))));
    assertTrue(check.reason().startsWith("certificate SCT from CT log https://ctfe.sigstore.dev/2022 is dated"
        + " 2023-07-12T15:56"), check.reason());
    assertTrue(check.reason().endsWith(", outside the log's validity [2022-10-20T00:00:00Z, 2023-07-12T15:00:00Z]"),
        check.reason());
  }

  @Test
  void sctThatDoesNotVerifyWithTheKeyListedForItsLogIsRefused() throws Exception {
    // the CT log keeps its id but the trusted root lists another key for it
    SignatureCheck check = happyPathV01(TrustedRootSource.json(edited(PUBLIC_GOOD,
        r -> at(r, "/ctlogs/1/publicKey").put("rawBytes", r.at("/tlogs/0/publicKey/rawBytes").asText()))));
    assertEquals("certificate SCT does not verify with the key of CT log https://ctfe.sigstore.dev/2022",
        check.reason());
  }

  @Test
  void timestampAuthorityValidityStartsInclusively() throws Exception {
    // rekor2-happy-path's timestamp was generated at 2025-06-12T12:02:20Z
    SignatureCheck atStart = rekor2HappyPath(edited(STAGING,
        r -> at(r, "/timestampAuthorities/0/validFor").put("start", "2025-06-12T12:02:20Z")));
    assertTrue(atStart.verified(), atStart.reason());
    SignatureCheck afterStart = rekor2HappyPath(edited(STAGING,
        r -> at(r, "/timestampAuthorities/0/validFor").put("start", "2025-06-12T12:02:21Z")));
    assertTrue(afterStart.reason().startsWith(
        "RFC 3161 timestamp does not verify: it was generated at 2025-06-12T12:02:20Z, outside the validity of TSA"),
        afterStart.reason());
  }

  private static SignatureCheck rekor2HappyPath(byte[] root) throws Exception {
    return new SigstoreBundleVerifier(new TrustedRoots())
        .verify("rekor2-happy-path", TestResources.bytes(SUITE + "rekor2-happy-path/bundle.sigstore.json"),
            ImageDigest.parse(A_TXT_SHA256),
            new KeylessAuthority("beacon",
                List.of(Identity.exact(SigstoreConformanceTest.DEFAULT_ISSUER, SigstoreConformanceTest.DEFAULT_IDENTITY)),
                TrustedRootSource.json(root)));
  }
}
