package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Checks that a transparency-log entry body records the very signature being verified. A
 * valid SET only proves that *some* entry was logged; without this check a signature could
 * borrow the log entry of another one. Supported kinds: hashedrekord and rekord 0.0.1 (what
 * cosign logs for image signatures and bundles log for message signatures), dsse 0.0.1 and
 * intoto 0.0.2 (attestations).
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

  static LogEntryBody parse(String base64Body) throws VerificationFailure {
    JsonNode root;
    try {
      root = JSON.readTree(Base64.getDecoder().decode(base64Body));
    } catch (Exception e) {
      throw new VerificationFailure("transparency log entry body is not base64 JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new VerificationFailure("transparency log entry body is not a JSON object");
    }
    return new LogEntryBody(
        root.path("kind").asText(), root.path("apiVersion").asText(), root.path("spec"));
  }

  String kindVersion() {
    return kind + " " + apiVersion;
  }

  /**
   * For a plain signature over data whose SHA-256 is {@code dataSha256}: the entry must be a
   * hashedrekord/rekord with the same hash, signature and key or certificate.
   */
  void requireSignature(byte[] dataSha256, byte[] signature, Signer signer)
      throws VerificationFailure {
    if (!(kind.equals("hashedrekord") || kind.equals("rekord")) || !apiVersion.equals("0.0.1")) {
      throw new VerificationFailure(
          "transparency log entry is of kind " + kindVersion()
              + "; a signature needs a hashedrekord 0.0.1 entry");
    }
    JsonNode hash = spec.path("data").path("hash");
    if (!hash.path("algorithm").asText().equals("sha256")
        || !hash.path("value").asText().equalsIgnoreCase(HexFormat.of().formatHex(dataSha256))) {
      throw new VerificationFailure(
          "transparency log entry records data hash " + hash.path("algorithm").asText() + ":"
              + hash.path("value").asText() + ", not sha256:" + HexFormat.of().formatHex(dataSha256)
              + " (the entry is for other data)");
    }
    JsonNode sig = spec.path("signature");
    if (!Arrays.equals(decode(sig.path("content").asText()), signature)) {
      throw new VerificationFailure(
          "transparency log entry records a different signature (the entry is for another"
              + " signature)");
    }
    signer.requireSame(decode(sig.path("publicKey").path("content").asText()));
  }

  /**
   * For a DSSE envelope: the entry must be a dsse 0.0.1 or intoto 0.0.2 entry with the same
   * payload hash, and one of its signatures must equal ours and come from the same signer.
   */
  void requireEnvelope(byte[] payload, byte[] signature, Signer signer) throws VerificationFailure {
    String payloadSha256 = HexFormat.of().formatHex(PublicKeys.sha256(payload));
    JsonNode payloadHash;
    JsonNode signatures;
    boolean doubleEncoded;
    if (kind.equals("dsse") && apiVersion.equals("0.0.1")) {
      payloadHash = spec.path("payloadHash");
      signatures = spec.path("signatures");
      doubleEncoded = false;
    } else if (kind.equals("intoto") && apiVersion.equals("0.0.2")) {
      payloadHash = spec.path("content").path("payloadHash");
      signatures = spec.path("content").path("envelope").path("signatures");
      doubleEncoded = true;
    } else {
      throw new VerificationFailure(
          "transparency log entry is of kind " + kindVersion()
              + "; a DSSE envelope needs a dsse 0.0.1 or intoto 0.0.2 entry");
    }
    if (!payloadHash.path("algorithm").asText().equals("sha256")
        || !payloadHash.path("value").asText().equalsIgnoreCase(payloadSha256)) {
      throw new VerificationFailure(
          "transparency log entry records another DSSE payload (hash "
              + payloadHash.path("value").asText() + ", expected " + payloadSha256 + ")");
    }
    for (JsonNode candidate : signatures) {
      byte[] recorded =
          doubleEncoded
              ? decode(new String(decode(candidate.path("sig").asText()), StandardCharsets.US_ASCII))
              : decode(candidate.path("signature").asText());
      if (Arrays.equals(recorded, signature)) {
        String verifierField = doubleEncoded ? "publicKey" : "verifier";
        signer.requireSame(decode(candidate.path(verifierField).asText()));
        return;
      }
    }
    throw new VerificationFailure(
        "transparency log entry does not record this DSSE signature (the entry is for another"
            + " signature)");
  }

  private static byte[] decode(String base64) throws VerificationFailure {
    try {
      return Base64.getDecoder().decode(base64);
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

    void requireSame(byte[] recordedPem) throws VerificationFailure {
      String pem = new String(recordedPem, StandardCharsets.US_ASCII);
      if (pem.contains("CERTIFICATE")) {
        X509Certificate recorded = SigningCertificates.parsePem(pem).get(0);
        boolean same;
        try {
          same =
              certificate != null
                  ? Arrays.equals(recorded.getEncoded(), certificate.getEncoded())
                  : Arrays.equals(recorded.getPublicKey().getEncoded(), key.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
          throw new VerificationFailure("certificate could not be encoded for comparison", e);
        }
        if (!same) {
          throw new VerificationFailure(
              "transparency log entry records a different signing certificate");
        }
        return;
      }
      PublicKey recorded;
      try {
        recorded = PublicKeys.parsePem(pem);
      } catch (IllegalArgumentException e) {
        throw new VerificationFailure(
            "transparency log entry records an unreadable key: " + e.getMessage(), e);
      }
      if (!Arrays.equals(recorded.getEncoded(), key.getEncoded())) {
        throw new VerificationFailure("transparency log entry records a different public key");
      }
    }
  }
}
