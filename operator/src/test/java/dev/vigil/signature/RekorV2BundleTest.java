package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Bundles whose only log entry is in a Rekor v2 log (the test instance's Ed25519 log with
 * C2SP checkpoints): no integrated time and no SET, so the RFC 3161 timestamp is the time
 * source. Verified through {@link ImageSignatureVerifier}, the ImagePolicy path.
 */
class RekorV2BundleTest {

  private static final String REPO = "registry.vigil.test/payments/web";
  private static final ImageDigest DIGEST = ImageDigest.parse("sha256:" + "ab".repeat(32));
  private static final String ISSUER = "https://token.actions.githubusercontent.com";
  private static final String WORKFLOW =
      "https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v3.0.0";
  private static final Instant SIGNED = Instant.parse("2025-09-01T12:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestSigstore sigstore = new TestSigstore();
  private final TestBundleSigner signer = new TestBundleSigner(sigstore);
  private final KeyPair releaseKey = TestSigstore.ecKey();

  private SignatureResult verify(byte[] bundle, Authority authority) {
    InMemorySignatureStore store = new InMemorySignatureStore();
    store.add(REPO, DIGEST.toString(), new AttachedBundle("referrer sha256:0b", bundle));
    return new ImageSignatureVerifier(store, new TrustedRoots(), Clock.fixed(SIGNED.plusSeconds(86400), ZoneOffset.UTC))
        .verify(REPO, DIGEST.toString(), List.of(authority));
  }

  private KeyAuthority releaseKeyRequiringLog() {
    return new KeyAuthority("release", TestSigstore.pem(releaseKey.getPublic()), true, sigstore.trustedRoot());
  }

  private KeylessAuthority ci(TrustedRootSource root) {
    return new KeylessAuthority("ci", List.of(Identity.exact(ISSUER, WORKFLOW)), root);
  }

  private static void assertRejected(SignatureResult result, String reason) {
    assertEquals(SignatureStatus.Invalid, result.status(), result.reason());
    assertEquals(reason, result.details().get(0).reason());
  }

  private static byte[] edit(byte[] json, Consumer<ObjectNode> change) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(json);
      change.accept(node);
      return JSON.writeValueAsBytes(node);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode entry(ObjectNode bundle) {
    return (ObjectNode) bundle.path("verificationMaterial").path("tlogEntries").get(0);
  }

  private static ObjectNode proof(ObjectNode bundle) {
    return (ObjectNode) entry(bundle).path("inclusionProof");
  }

  @Test
  void keySignedMessageWhoseOnlyEntryIsInRekorV2VerifiesAtItsTimestamp() {
    SignatureResult result = verify(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED), releaseKeyRequiringLog());
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals("bundle verified with the key of authority release, timestamped at " + SIGNED, result.reason());
    assertEquals(SIGNED, result.details().get(0).signedAt());
  }

  @Test
  void keySignedDsseLoggedAsHashedRekordOverDsseVerifies() {
    byte[] statement = TestBundleSigner.statement(REPO, DIGEST);
    SignatureResult result = verify(signer.keyedRekorV2Dsse(releaseKey, statement, SIGNED, false), releaseKeyRequiringLog());
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
  }

  @Test
  void keySignedDsseLoggedAsDsseEntryVerifies() {
    byte[] statement = TestBundleSigner.statement(REPO, DIGEST);
    SignatureResult result = verify(signer.keyedRekorV2Dsse(releaseKey, statement, SIGNED, true), releaseKeyRequiringLog());
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
  }

  @Test
  void keylessDsseInRekorV2VerifiesForItsIdentity() {
    byte[] bundle =
        signer.keylessRekorV2Dsse(TestBundleSigner.statement(REPO, DIGEST), WORKFLOW, ISSUER, SIGNED, SIGNED.plusSeconds(2));
    SignatureResult result = verify(bundle, ci(sigstore.trustedRoot()));
    assertEquals(SignatureStatus.Verified, result.status(), result.reason());
    assertEquals(WORKFLOW, result.identity());
    assertEquals("bundle verified for " + WORKFLOW + " (issuer " + ISSUER + "), timestamped at "
        + SIGNED.plusSeconds(2), result.reason());
  }

  @Test
  void keylessTimestampAfterTheCertificateExpiredIsRejected() {
    byte[] bundle =
        signer.keylessRekorV2Dsse(TestBundleSigner.statement(REPO, DIGEST), WORKFLOW, ISSUER, SIGNED,
            SIGNED.plus(Duration.ofMinutes(11)));
    assertRejected(verify(bundle, ci(sigstore.trustedRoot())),
        "certificate expired at " + SIGNED.plus(Duration.ofMinutes(10))
            + " but the signature was timestamped at " + SIGNED.plus(Duration.ofMinutes(11)) + " (signed after expiry)");
  }

  @Test
  void rekorV2EntryWithoutTimestampIsRejected() {
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED),
        b -> ((ObjectNode) b.path("verificationMaterial")).remove("timestampVerificationData"));
    assertRejected(verify(bundle, releaseKeyRequiringLog()),
        "Rekor v2 entries carry no integrated time, and the bundle has no RFC 3161 timestamp to tell when it"
            + " was signed");
  }

  @Test
  void timestampOverAnotherSignatureIsRejected() {
    byte[] other = sigstore.timestamp("another signature".getBytes(StandardCharsets.UTF_8), SIGNED);
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED),
        b -> ((ObjectNode) b.path("verificationMaterial").path("timestampVerificationData")
            .path("rfc3161Timestamps").get(0)).put("signedTimestamp", Base64.getEncoder().encodeToString(other)));
    SignatureResult result = verify(bundle, releaseKeyRequiringLog());
    assertEquals(SignatureStatus.Invalid, result.status());
    assertEquals("RFC 3161 timestamp is for other data", result.details().get(0).reason().split(":")[0]);
  }

  @Test
  void timestampFromAnImpostorTsaWithTheSameNameAndSerialIsRejected() {
    // Another test instance names its TSA and numbers its certificates the same way, so the
    // token's signer id matches the trusted TSA and only the signature check can catch it.
    byte[] bundle = signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED);
    byte[] signature = Base64.getDecoder().decode(readText(bundle, "/messageSignature/signature"));
    byte[] replaced = edit(bundle,
        b -> ((ObjectNode) b.path("verificationMaterial").path("timestampVerificationData")
            .path("rfc3161Timestamps").get(0)).put("signedTimestamp",
                Base64.getEncoder().encodeToString(new TestSigstore().timestamp(signature, SIGNED))));
    SignatureResult result = verify(replaced, releaseKeyRequiringLog());
    assertEquals(SignatureStatus.Invalid, result.status());
    assertTrue(result.details().get(0).reason().startsWith(
        "RFC 3161 timestamp does not verify: it does not verify with the certificate of TSA https://tsa.vigil.test"),
        result.details().get(0).reason());
  }

  @Test
  void logNotValidAtTheTimestampIsRejected() {
    byte[] root = edit(sigstore.trustedRootJson(), r -> {
      for (var log : r.path("tlogs")) {
        if (log.path("baseUrl").asText().equals("https://" + TestSigstore.REKOR_V2_HOST)) {
          ((ObjectNode) log.path("publicKey").path("validFor")).put("end", SIGNED.minusSeconds(1).toString());
        }
      }
    });
    KeyAuthority authority =
        new KeyAuthority("release", TestSigstore.pem(releaseKey.getPublic()), true, TrustedRootSource.json(root));
    assertRejected(verify(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED), authority),
        "transparency log https://" + TestSigstore.REKOR_V2_HOST + " was not valid at the timestamp " + SIGNED
            + " (valid [2020-01-01T00:00:00Z, " + SIGNED.minusSeconds(1) + "])");
  }

  @Test
  void witnessCosignaturesOnTheCheckpointAreIgnored() {
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED), b -> {
      ObjectNode checkpoint = (ObjectNode) proof(b).path("checkpoint");
      checkpoint.put("envelope", checkpoint.path("envelope").asText()
          + TestSigstore.noteSignatureLine("witness.vigil.test", new byte[] {1, 2, 3, 4}, new byte[72]));
    });
    assertEquals(SignatureStatus.Verified, verify(bundle, releaseKeyRequiringLog()).status());
  }

  @Test
  void forgedLogSignatureLineIsRejectedEvenNextToAValidOne() {
    byte[] hint = java.util.Arrays.copyOf(sigstore.rekorV2LogId(), 4);
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED), b -> {
      ObjectNode checkpoint = (ObjectNode) proof(b).path("checkpoint");
      checkpoint.put("envelope", checkpoint.path("envelope").asText()
          + TestSigstore.noteSignatureLine(TestSigstore.REKOR_V2_HOST, hint, new byte[64]));
    });
    assertRejected(verify(bundle, releaseKeyRequiringLog()),
        "checkpoint signature of " + TestSigstore.REKOR_V2_HOST + " does not verify with the key of log https://"
            + TestSigstore.REKOR_V2_HOST);
  }

  @Test
  void checkpointSignedByAnotherKeyUnderTheLogsNameIsRejected() {
    KeyPair impostor = TestSigstore.ed25519Key();
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED), b -> {
      ObjectNode checkpoint = (ObjectNode) proof(b).path("checkpoint");
      String envelope = checkpoint.path("envelope").asText();
      String note = envelope.substring(0, envelope.indexOf("\n\n") + 1);
      checkpoint.put("envelope", note + "\n" + TestSigstore.noteSignatureLine(TestSigstore.REKOR_V2_HOST,
          new byte[] {9, 9, 9, 9}, TestSigstore.sign(impostor.getPrivate(), note.getBytes(StandardCharsets.UTF_8))));
    });
    SignatureResult result = verify(bundle, releaseKeyRequiringLog());
    assertEquals(SignatureStatus.Invalid, result.status());
    assertTrue(result.details().get(0).reason().startsWith(
        "checkpoint carries no signature by log https://" + TestSigstore.REKOR_V2_HOST), result.details().get(0).reason());
  }

  @Test
  void alteredAuditPathIsRejected() {
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED), b -> {
      ArrayNode hashes = (ArrayNode) proof(b).path("hashes");
      hashes.set(0, Base64.getEncoder().encodeToString(new byte[32]));
    });
    SignatureResult result = verify(bundle, releaseKeyRequiringLog());
    assertEquals(SignatureStatus.Invalid, result.status());
    assertTrue(result.details().get(0).reason().startsWith("inclusion proof does not lead to its root hash"),
        result.details().get(0).reason());
  }

  @Test
  void proofForAnotherIndexThanTheEntryIsRejected() {
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED),
        b -> entry(b).put("logIndex", "0"));
    SignatureResult result = verify(bundle, releaseKeyRequiringLog());
    assertEquals(SignatureStatus.Invalid, result.status());
    assertTrue(result.details().get(0).reason().startsWith("Rekor v2 inclusion proof is for index "),
        result.details().get(0).reason());
  }

  @Test
  void rekorV2EntryClaimingASetIsRejected() {
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED),
        b -> entry(b).putObject("inclusionPromise").put("signedEntryTimestamp", "MEUCIQ=="));
    assertRejected(verify(bundle, releaseKeyRequiringLog()),
        "transparency log entry of kind hashedrekord 0.0.2 (Rekor v2) carries a Signed Entry Timestamp, which"
            + " Rekor v2 logs do not issue");
  }

  @Test
  void entryDeclaredAsAnotherKindIsRejected() {
    byte[] bundle = edit(signer.keyedRekorV2Message(releaseKey, DIGEST, SIGNED),
        b -> ((ObjectNode) entry(b).path("kindVersion")).put("version", "0.0.1"));
    assertRejected(verify(bundle, releaseKeyRequiringLog()),
        "transparency log entry is declared as hashedrekord 0.0.1 but its body is hashedrekord 0.0.2");
  }

  private static String readText(byte[] json, String pointer) {
    try {
      return JSON.readTree(json).at(pointer).asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
