package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Checks that a transparency-log entry body records the very signature being verified. A
 * valid SET or inclusion proof only proves that *some* entry was logged; without this check a
 * signature could borrow the log entry of another one.
 *
 * <p>Supported kinds. Rekor v1: hashedrekord and rekord 0.0.1 (message signatures, cosign
 * image signatures), dsse 0.0.1 and intoto 0.0.2 (DSSE envelopes). Rekor v2: hashedrekord
 * 0.0.2 (a message signature, or a DSSE envelope in the "hashedrekord over DSSE" encoding,
 * where the entry records the SHA-256 of the envelope's pre-authentication encoding) and dsse
 * 0.0.2.
 */
final class LogEntryBody {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String kind;
  private final String apiVersion;
  private final JsonNode spec;

  private LogEntryBody(String kind, String apiVersion, JsonNode spec) {
    this.kind = kind;
    this.apiVersion = apiVersion;
    this.spec = spec;
  }

  static LogEntryBody parse(byte[] body) throws VerificationFailure {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      throw new VerificationFailure("transparency log entry body is not JSON", e);
    }
    if (root == null || !root.isObject() || !root.path("kind").isTextual()
        || !root.path("apiVersion").isTextual() || !root.path("spec").isObject()) {
      throw new VerificationFailure(
          "transparency log entry body is not an entry (no kind, apiVersion or spec)");
    }
    return new LogEntryBody(
        root.path("kind").asText(), root.path("apiVersion").asText(), root.path("spec"));
  }

  static LogEntryBody parse(String base64Body) throws VerificationFailure {
    try {
      return parse(TrustRoot.Base64Json.decode(base64Body));
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("transparency log entry body is not base64", e);
    }
  }

  String kindVersion() {
    return kind + " " + apiVersion;
  }

  /** Entries of Rekor v2 (rekor-tiles): no integrated time, no SET, checkpoint-signed tiles. */
  boolean isRekorV2() {
    return apiVersion.equals("0.0.2") && (kind.equals("hashedrekord") || kind.equals("dsse"));
  }

  /** The bundle's {@code kindVersion} must name what the body is. */
  void requireDeclared(String declaredKind, String declaredVersion) throws VerificationFailure {
    if (declaredKind != null
        && (!declaredKind.equals(kind) || !apiVersion.equals(declaredVersion))) {
      throw new VerificationFailure(
          "transparency log entry is declared as " + declaredKind + " " + declaredVersion
              + " but its body is " + kindVersion());
    }
  }

  /**
   * For a signature over data whose SHA-256 is {@code dataSha256}: the entry must be a
   * hashedrekord (or rekord) with the same hash, signature and key or certificate.
   */
  void requireSignature(byte[] dataSha256, byte[] signature, Signer signer) throws VerificationFailure {
    if ((kind.equals("hashedrekord") || kind.equals("rekord")) && apiVersion.equals("0.0.1")) {
      JsonNode hash = spec.path("data").path("hash");
      if (!hash.path("algorithm").asText().equals("sha256")
          || !hash.path("value").asText().equalsIgnoreCase(HexFormat.of().formatHex(dataSha256))) {
        throw new VerificationFailure(
            "transparency log entry records data hash " + hash.path("algorithm").asText() + ":"
                + hash.path("value").asText() + ", not sha256:" + HexFormat.of().formatHex(dataSha256)
                + " (the entry is for other data)");
      }
      JsonNode sig = spec.path("signature");
      if (!Arrays.equals(decode(sig.path("content")), signature)) {
        throw differentSignature();
      }
      signer.requireSamePem(decode(sig.path("publicKey").path("content")));
      return;
    }
    if (kind.equals("hashedrekord") && apiVersion.equals("0.0.2")) {
      requireHashedRekordV2(dataSha256, "data", signature, signer);
      return;
    }
    throw new VerificationFailure(
        "transparency log entry is of kind " + kindVersion()
            + "; a message signature needs a hashedrekord 0.0.1 or 0.0.2 entry");
  }

  /**
   * For a DSSE envelope: a dsse 0.0.1/0.0.2 or intoto 0.0.2 entry with the same payload hash,
   * signature and signer, or a hashedrekord 0.0.2 entry over the envelope's PAE.
   */
  void requireEnvelope(SigstoreBundle.Envelope envelope, Signer signer) throws VerificationFailure {
    byte[] signature = envelope.signature();
    byte[] payloadSha256 = PublicKeys.sha256(envelope.payload());
    if (kind.equals("hashedrekord") && apiVersion.equals("0.0.2")) {
      requireHashedRekordV2(PublicKeys.sha256(envelope.pae()), "DSSE pre-authentication encoding", signature, signer);
      return;
    }
    if (kind.equals("dsse") && apiVersion.equals("0.0.2")) {
      JsonNode entry = spec.path("dsseV002");
      requireDigest(entry.path("payloadHash"), payloadSha256, "DSSE payload");
      JsonNode recorded = single(entry.path("signatures"));
      if (!Arrays.equals(decode(recorded.path("content")), signature)) {
        throw differentSignature();
      }
      signer.requireSameVerifier(recorded.path("verifier"));
      return;
    }
    JsonNode payloadHash;
    JsonNode recorded;
    if (kind.equals("dsse") && apiVersion.equals("0.0.1")) {
      payloadHash = spec.path("payloadHash");
      recorded = single(spec.path("signatures"));
      if (!Arrays.equals(decode(recorded.path("signature")), signature)) {
        throw differentSignature();
      }
      requireHexHash(payloadHash, payloadSha256);
      signer.requireSamePem(decode(recorded.path("verifier")));
      return;
    }
    if (kind.equals("intoto") && apiVersion.equals("0.0.2")) {
      payloadHash = spec.path("content").path("payloadHash");
      recorded = single(spec.path("content").path("envelope").path("signatures"));
      // intoto 0.0.2 stores the envelope's base64 signature base64-encoded once more; a
      // value that is not base64 twice over cannot be this signature
      byte[] sig;
      try {
        sig = TrustRoot.Base64Json.decode(new String(decode(recorded.path("sig")), StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        throw differentSignature();
      }
      if (!Arrays.equals(sig, signature)) {
        throw differentSignature();
      }
      requireHexHash(payloadHash, payloadSha256);
      signer.requireSamePem(decode(recorded.path("publicKey")));
      return;
    }
    throw new VerificationFailure(
        "transparency log entry is of kind " + kindVersion()
            + "; a DSSE envelope needs a dsse, intoto 0.0.2 or hashedrekord 0.0.2 entry");
  }

  private void requireHashedRekordV2(byte[] sha256, String what, byte[] signature, Signer signer)
      throws VerificationFailure {
    JsonNode entry = spec.path("hashedRekordV002");
    requireDigest(entry.path("data"), sha256, what);
    JsonNode sig = entry.path("signature");
    if (!Arrays.equals(decode(sig.path("content")), signature)) {
      throw differentSignature();
    }
    signer.requireSameVerifier(sig.path("verifier"));
  }

  /** Rekor v2 hash: {@code {"algorithm": "SHA2_256", "digest": base64}}. */
  private static void requireDigest(JsonNode hash, byte[] sha256, String what) throws VerificationFailure {
    String algorithm = hash.path("algorithm").asText();
    byte[] recorded = decode(hash.path("digest"));
    if (!algorithm.equals("SHA2_256") || !Arrays.equals(recorded, sha256)) {
      throw new VerificationFailure(
          "transparency log entry records " + algorithm + " " + HexFormat.of().formatHex(recorded)
              + ", not the SHA-256 of this " + what + " (" + HexFormat.of().formatHex(sha256)
              + "): the entry is for other content");
    }
  }

  /** Rekor v1 hash: {@code {"algorithm": "sha256", "value": hex}}. */
  private static void requireHexHash(JsonNode hash, byte[] sha256) throws VerificationFailure {
    String expected = HexFormat.of().formatHex(sha256);
    if (!hash.path("algorithm").asText().equals("sha256")
        || !hash.path("value").asText().equalsIgnoreCase(expected)) {
      throw new VerificationFailure(
          "transparency log entry records another DSSE payload (hash "
              + hash.path("value").asText() + ", expected " + expected + ")");
    }
  }

  private static JsonNode single(JsonNode signatures) throws VerificationFailure {
    if (!signatures.isArray() || signatures.size() != 1) {
      throw new VerificationFailure(
          "transparency log entry records " + signatures.size()
              + " signatures; a Sigstore DSSE envelope has exactly one");
    }
    return signatures.get(0);
  }

  private static VerificationFailure differentSignature() {
    return new VerificationFailure(
        "transparency log entry records a different signature (the entry is for another signature)");
  }

  private static byte[] decode(JsonNode node) throws VerificationFailure {
    if (!node.isTextual()) {
      throw new VerificationFailure("transparency log entry lacks a field it must record");
    }
    return decodeText(node.asText());
  }

  private static byte[] decodeText(String base64) throws VerificationFailure {
    try {
      return TrustRoot.Base64Json.decode(base64);
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("transparency log entry holds malformed base64", e);
    }
  }

  /** The key or certificate that made the signature, to compare with what the entry records. */
  static final class Signer {
    private final PublicKey key;
    private final X509Certificate certificate;

    private Signer(PublicKey key, X509Certificate certificate) {
      this.key = key;
      this.certificate = certificate;
    }

    static Signer key(PublicKey key) {
      return new Signer(key, null);
    }

    static Signer certificate(X509Certificate certificate) {
      return new Signer(certificate.getPublicKey(), certificate);
    }

    /** Rekor v1 records a PEM key or certificate. */
    void requireSamePem(byte[] recordedPem) throws VerificationFailure {
      String pem = new String(recordedPem, StandardCharsets.US_ASCII);
      if (pem.contains("CERTIFICATE")) {
        requireSameCertificate(SigningCertificates.parsePem(pem).get(0));
        return;
      }
      PublicKey recorded;
      try {
        recorded = PublicKeys.parsePem(pem);
      } catch (IllegalArgumentException e) {
        throw new VerificationFailure(
            "transparency log entry records an unreadable key: " + e.getMessage(), e);
      }
      requireSameKey(recorded.getEncoded());
    }

    /**
     * Rekor v2 records {@code {"keyDetails", "x509Certificate": {"rawBytes"}}} or {@code
     * {"keyDetails", "publicKey": {"rawBytes"}}}, DER in base64.
     */
    void requireSameVerifier(JsonNode verifier) throws VerificationFailure {
      JsonNode certificateNode = verifier.path("x509Certificate");
      JsonNode keyNode = verifier.path("publicKey");
      if (certificateNode.isObject()) {
        byte[] der = decode(certificateNode.path("rawBytes"));
        X509Certificate recorded;
        try {
          recorded =
              (X509Certificate)
                  java.security.cert.CertificateFactory.getInstance("X.509")
                      .generateCertificate(new java.io.ByteArrayInputStream(der));
        } catch (java.security.cert.CertificateException | RuntimeException e) {
          throw new VerificationFailure("transparency log entry records a malformed certificate", e);
        }
        requireSameCertificate(recorded);
        return;
      }
      if (keyNode.isObject()) {
        requireSameKey(decode(keyNode.path("rawBytes")));
        return;
      }
      throw new VerificationFailure("transparency log entry records no key or certificate");
    }

    private void requireSameCertificate(X509Certificate recorded) throws VerificationFailure {
      boolean same;
      try {
        same =
            certificate != null
                ? Arrays.equals(recorded.getEncoded(), certificate.getEncoded())
                : Arrays.equals(recorded.getPublicKey().getEncoded(), key.getEncoded());
      } catch (CertificateEncodingException e) {
        throw new VerificationFailure("certificate could not be encoded for comparison", e);
      }
      if (!same) {
        throw new VerificationFailure(
            "transparency log entry records a different signing certificate");
      }
    }

    private void requireSameKey(byte[] recordedSpki) throws VerificationFailure {
      if (certificate != null) {
        throw new VerificationFailure(
            "transparency log entry records a public key, but the bundle is signed with a certificate");
      }
      if (!Arrays.equals(recordedSpki, key.getEncoded())) {
        throw new VerificationFailure("transparency log entry records a different public key");
      }
    }
  }
}
