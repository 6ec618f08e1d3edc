package dev.vigil.signature;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstore.rekor.client.HashedRekordRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/** Makes Sigstore bundles (v0.3 JSON) signed by the test Sigstore instance or by a key. */
public final class TestBundleSigner {

  public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestSigstore sigstore;

  public TestBundleSigner(TestSigstore sigstore) {
    this.sigstore = sigstore;
  }

  /**
   * Keyless message-signature bundle over {@code digest}: Fulcio-style certificate for the
   * identity (valid ten minutes from {@code notBefore}), hashedrekord entry with SET,
   * inclusion proof and checkpoint, logged at {@code integratedTime}.
   */
  public byte[] keylessMessageSignature(
      ImageDigest digest, String subject, String issuer, Instant notBefore, Instant integratedTime) {
    KeyPair ephemeral = TestSigstore.ecKey();
    X509Certificate leaf = sigstore.issue(ephemeral, subject, issuer, notBefore, Duration.ofMinutes(10));
    byte[] signature = signDigest(ephemeral, digest.bytes());
    String body;
    try {
      body =
          HashedRekordRequest.newHashedRekordRequest(
                  digest.bytes(), TestSigstore.pem(leaf).getBytes(StandardCharsets.UTF_8), signature)
              .toJsonPayload();
    } catch (RuntimeException e) {
      throw new IllegalStateException(e);
    }
    TestSigstore.LoggedEntry entry = sigstore.log(body, integratedTime);
    ObjectNode bundle = JSON.createObjectNode();
    bundle.put("mediaType", MEDIA_TYPE);
    ObjectNode material = bundle.putObject("verificationMaterial");
    material.putObject("certificate").put("rawBytes", TestSigstore.base64(TestSigstore.encoded(leaf)));
    addEntry(material, entry, "hashedrekord", true);
    ObjectNode message = bundle.putObject("messageSignature");
    message.putObject("messageDigest").put("algorithm", "SHA2_256").put("digest", TestSigstore.base64(digest.bytes()));
    message.put("signature", TestSigstore.base64(signature));
    return write(bundle);
  }

  /** The in-toto statement naming {@code digest} as its one subject. */
  public static byte[] statement(String name, ImageDigest digest) {
    return ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"" + name
            + "\",\"digest\":{\"" + digest.algorithm() + "\":\"" + digest.hex() + "\"}}],"
            + "\"predicateType\":\"https://vigil.dev/test/v1\",\"predicate\":{}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Key-signed DSSE bundle over {@code statement}; logged (dsse 0.0.1 entry with SET,
   * inclusion proof and checkpoint) when {@code integratedTime} is not null.
   */
  public byte[] keyedDsse(KeyPair key, byte[] statement, Instant integratedTime) {
    byte[] pae = SigstoreBundle.Envelope.pae(SigstoreBundle.IN_TOTO_PAYLOAD_TYPE, statement);
    byte[] signature = TestSigstore.sign(key.getPrivate(), pae);
    ObjectNode bundle = JSON.createObjectNode();
    bundle.put("mediaType", MEDIA_TYPE);
    ObjectNode material = bundle.putObject("verificationMaterial");
    material.putObject("publicKey").put("hint", TestSigstore.base64(PublicKeys.sha256(key.getPublic().getEncoded())));
    if (integratedTime != null) {
      String body =
          "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"payloadHash\":{\"algorithm\":"
              + "\"sha256\",\"value\":\"" + HexFormat.of().formatHex(PublicKeys.sha256(statement))
              + "\"},\"signatures\":[{\"signature\":\"" + TestSigstore.base64(signature)
              + "\",\"verifier\":\"" + TestSigstore.base64(
                  TestSigstore.pem(key.getPublic()).getBytes(StandardCharsets.UTF_8)) + "\"}]}}";
      addEntry(material, sigstore.log(body, integratedTime), "dsse", true);
    } else {
      material.putArray("tlogEntries");
    }
    ObjectNode envelope = bundle.putObject("dsseEnvelope");
    envelope.put("payload", TestSigstore.base64(statement));
    envelope.put("payloadType", SigstoreBundle.IN_TOTO_PAYLOAD_TYPE);
    envelope.putArray("signatures").addObject().put("sig", TestSigstore.base64(signature)).put("keyid", "");
    return write(bundle);
  }

  /**
   * Key-signed message-signature bundle over {@code digest} whose only log entry is a
   * hashedrekord 0.0.2 entry in the Rekor v2 log, with an RFC 3161 timestamp made at {@code
   * timestampedAt} (Rekor v2 entries have no integrated time).
   */
  public byte[] keyedRekorV2Message(KeyPair key, ImageDigest digest, Instant timestampedAt) {
    byte[] signature = signDigest(key, digest.bytes());
    String body = hashedRekordV2(digest.bytes(), signature, keyVerifier(key));
    ObjectNode bundle = JSON.createObjectNode();
    bundle.put("mediaType", MEDIA_TYPE);
    ObjectNode material = bundle.putObject("verificationMaterial");
    material.putObject("publicKey").put("hint", TestSigstore.base64(PublicKeys.sha256(key.getPublic().getEncoded())));
    addRekorV2Entry(material, sigstore.logV2(body, 3), "hashedrekord");
    addTimestamp(material, sigstore.timestamp(signature, timestampedAt));
    ObjectNode message = bundle.putObject("messageSignature");
    message.putObject("messageDigest").put("algorithm", "SHA2_256").put("digest", TestSigstore.base64(digest.bytes()));
    message.put("signature", TestSigstore.base64(signature));
    return write(bundle);
  }

  /**
   * Key-signed DSSE bundle over {@code statement} logged in Rekor v2, with an RFC 3161
   * timestamp made at {@code timestampedAt}. The entry is "hashedrekord over DSSE" (a
   * hashedrekord 0.0.2 entry recording the SHA-256 of the envelope's PAE) or, with {@code
   * dsseEntry}, a dsse 0.0.2 entry recording the payload hash.
   */
  public byte[] keyedRekorV2Dsse(KeyPair key, byte[] statement, Instant timestampedAt, boolean dsseEntry) {
    byte[] pae = SigstoreBundle.Envelope.pae(SigstoreBundle.IN_TOTO_PAYLOAD_TYPE, statement);
    byte[] signature = TestSigstore.sign(key.getPrivate(), pae);
    ObjectNode bundle = JSON.createObjectNode();
    bundle.put("mediaType", MEDIA_TYPE);
    ObjectNode material = bundle.putObject("verificationMaterial");
    material.putObject("publicKey").put("hint", TestSigstore.base64(PublicKeys.sha256(key.getPublic().getEncoded())));
    String body =
        dsseEntry
            ? "{\"apiVersion\":\"0.0.2\",\"kind\":\"dsse\",\"spec\":{\"dsseV002\":{\"payloadHash\":"
                + "{\"algorithm\":\"SHA2_256\",\"digest\":\"" + TestSigstore.base64(PublicKeys.sha256(statement))
                + "\"},\"signatures\":[{\"content\":\"" + TestSigstore.base64(signature) + "\",\"verifier\":"
                + keyVerifier(key) + "}]}}}"
            : hashedRekordV2(PublicKeys.sha256(pae), signature, keyVerifier(key));
    addRekorV2Entry(material, sigstore.logV2(body, 2), dsseEntry ? "dsse" : "hashedrekord");
    addTimestamp(material, sigstore.timestamp(signature, timestampedAt));
    addEnvelope(bundle, statement, signature);
    return write(bundle);
  }

  /**
   * Keyless DSSE bundle over {@code statement}: Fulcio-style certificate for the identity
   * (valid ten minutes from {@code notBefore}), hashedrekord-over-DSSE entry in Rekor v2, RFC
   * 3161 timestamp at {@code timestampedAt}. What cosign attaches to an image with Rekor v2.
   */
  public byte[] keylessRekorV2Dsse(
      byte[] statement, String subject, String issuer, Instant notBefore, Instant timestampedAt) {
    KeyPair ephemeral = TestSigstore.ecKey();
    X509Certificate leaf = sigstore.issue(ephemeral, subject, issuer, notBefore, Duration.ofMinutes(10));
    byte[] pae = SigstoreBundle.Envelope.pae(SigstoreBundle.IN_TOTO_PAYLOAD_TYPE, statement);
    byte[] signature = TestSigstore.sign(ephemeral.getPrivate(), pae);
    ObjectNode bundle = JSON.createObjectNode();
    bundle.put("mediaType", MEDIA_TYPE);
    ObjectNode material = bundle.putObject("verificationMaterial");
    material.putObject("certificate").put("rawBytes", TestSigstore.base64(TestSigstore.encoded(leaf)));
    String verifier =
        "{\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"x509Certificate\":{\"rawBytes\":\""
            + TestSigstore.base64(TestSigstore.encoded(leaf)) + "\"}}";
    addRekorV2Entry(material, sigstore.logV2(hashedRekordV2(PublicKeys.sha256(pae), signature, verifier), 5),
        "hashedrekord");
    addTimestamp(material, sigstore.timestamp(signature, timestampedAt));
    addEnvelope(bundle, statement, signature);
    return write(bundle);
  }

  static String hashedRekordV2(byte[] sha256, byte[] signature, String verifierJson) {
    return "{\"apiVersion\":\"0.0.2\",\"kind\":\"hashedrekord\",\"spec\":{\"hashedRekordV002\":{\"data\":"
        + "{\"algorithm\":\"SHA2_256\",\"digest\":\"" + TestSigstore.base64(sha256) + "\"},\"signature\":"
        + "{\"content\":\"" + TestSigstore.base64(signature) + "\",\"verifier\":" + verifierJson + "}}}}";
  }

  private static String keyVerifier(KeyPair key) {
    return "{\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"publicKey\":{\"rawBytes\":\""
        + TestSigstore.base64(key.getPublic().getEncoded()) + "\"}}";
  }

  private static void addEnvelope(ObjectNode bundle, byte[] statement, byte[] signature) {
    ObjectNode envelope = bundle.putObject("dsseEnvelope");
    envelope.put("payload", TestSigstore.base64(statement));
    envelope.put("payloadType", SigstoreBundle.IN_TOTO_PAYLOAD_TYPE);
    envelope.putArray("signatures").addObject().put("sig", TestSigstore.base64(signature)).put("keyid", "");
  }

  private static void addTimestamp(ObjectNode material, byte[] response) {
    material.putObject("timestampVerificationData").putArray("rfc3161Timestamps").addObject()
        .put("signedTimestamp", TestSigstore.base64(response));
  }

  private void addRekorV2Entry(ObjectNode material, TestSigstore.RekorV2Entry entry, String kind) {
    ObjectNode node = material.putArray("tlogEntries").addObject();
    node.put("logIndex", Long.toString(entry.logIndex()));
    node.putObject("logId").put("keyId", TestSigstore.base64(sigstore.rekorV2LogId()));
    node.putObject("kindVersion").put("kind", kind).put("version", "0.0.2");
    ObjectNode inclusion = node.putObject("inclusionProof");
    inclusion.put("logIndex", Long.toString(entry.logIndex()));
    inclusion.put("rootHash", entry.rootHashBase64());
    inclusion.put("treeSize", Long.toString(entry.treeSize()));
    var hashes = inclusion.putArray("hashes");
    entry.hashesBase64().forEach(hashes::add);
    inclusion.putObject("checkpoint").put("envelope", entry.checkpoint());
    node.put("canonicalizedBody", entry.bodyBase64());
  }

  private static void addEntry(ObjectNode material, TestSigstore.LoggedEntry entry, String kind, boolean proof) {
    ObjectNode node = material.putArray("tlogEntries").addObject();
    node.put("logIndex", Long.toString(entry.logIndex()));
    node.putObject("logId").put("keyId", TestSigstore.base64(HexFormat.of().parseHex(entry.logIdHex())));
    node.putObject("kindVersion").put("kind", kind).put("version", "0.0.1");
    node.put("integratedTime", Long.toString(entry.integratedTime()));
    node.putObject("inclusionPromise").put("signedEntryTimestamp", entry.setBase64());
    if (proof) {
      ObjectNode inclusion = node.putObject("inclusionProof");
      inclusion.put("logIndex", "0");
      inclusion.put("rootHash", entry.rootHashBase64());
      inclusion.put("treeSize", "1");
      inclusion.putArray("hashes");
      inclusion.putObject("checkpoint").put("envelope", entry.checkpoint());
    }
    node.put("canonicalizedBody", entry.bodyBase64());
  }

  private static byte[] signDigest(KeyPair key, byte[] sha256) {
    try {
      Signature signature = Signature.getInstance("NONEwithECDSA");
      signature.initSign(key.getPrivate());
      signature.update(sha256);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] write(ObjectNode bundle) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(bundle);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String decodeToString(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
