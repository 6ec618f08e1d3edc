package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Sigstore bundle (v0.1–v0.3, JSON) that Vigil checks itself: verification
 * material (certificate chain or public-key hint), Rekor entries, RFC 3161 timestamp count,
 * and the signed content (a message signature over a digest, or a DSSE envelope). Read with
 * Jackson because sigstore-java 2.0.0 refuses key-signed bundles and v0.1 bundles without an
 * inclusion proof, both of which are valid.
 */
final class SigstoreBundle {

  static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  final String mediaType;
  final List<X509Certificate> certificates;
  final boolean publicKeyMaterial;
  final List<TransparencyLogEntry> logEntries;
  final int timestampCount;
  final MessageSignature messageSignature;
  final Envelope envelope;

  record MessageSignature(String digestAlgorithm, byte[] digest, byte[] signature) {}

  record Envelope(String payloadType, byte[] payload, List<byte[]> signatures) {

    /** DSSE pre-authentication encoding; lengths count bytes, not characters. */
    byte[] pae() {
      byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
      byte[] header =
          ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
              .getBytes(StandardCharsets.UTF_8);
      byte[] pae = new byte[header.length + payload.length];
      System.arraycopy(header, 0, pae, 0, header.length);
      System.arraycopy(payload, 0, pae, header.length, payload.length);
      return pae;
    }
  }

  private SigstoreBundle(
      String mediaType,
      List<X509Certificate> certificates,
      boolean publicKeyMaterial,
      List<TransparencyLogEntry> logEntries,
      int timestampCount,
      MessageSignature messageSignature,
      Envelope envelope) {
    this.mediaType = mediaType;
    this.certificates = certificates;
    this.publicKeyMaterial = publicKeyMaterial;
    this.logEntries = logEntries;
    this.timestampCount = timestampCount;
    this.messageSignature = messageSignature;
    this.envelope = envelope;
  }

  static SigstoreBundle parse(byte[] json) throws VerificationFailure {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (Exception e) {
      throw new VerificationFailure("bundle is not JSON: " + TrustedRoots.messageOf(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new VerificationFailure("bundle is not a JSON object");
    }
    String mediaType = root.path("mediaType").asText("");
    if (!mediaType.startsWith(AttachedBundle.MEDIA_TYPE_PREFIX)) {
      throw new VerificationFailure("not a Sigstore bundle (mediaType '" + mediaType + "')");
    }
    try {
      JsonNode material = root.path("verificationMaterial");
      List<X509Certificate> certificates = new ArrayList<>();
      JsonNode chain = material.path("x509CertificateChain").path("certificates");
      for (JsonNode certificate : chain) {
        certificates.add(certificate(certificate.path("rawBytes").asText()));
      }
      if (material.path("certificate").isObject()) {
        certificates.add(certificate(material.path("certificate").path("rawBytes").asText()));
      }
      boolean publicKey = material.path("publicKey").isObject();
      if (certificates.isEmpty() && !publicKey) {
        throw new VerificationFailure("bundle has neither a certificate nor a public key hint");
      }
      List<TransparencyLogEntry> entries = new ArrayList<>();
      for (JsonNode entry : material.path("tlogEntries")) {
        entries.add(TransparencyLogEntry.fromBundle(entry));
      }
      int timestamps =
          material.path("timestampVerificationData").path("rfc3161Timestamps").size();
      MessageSignature message = null;
      Envelope envelope = null;
      JsonNode messageNode = root.path("messageSignature");
      JsonNode dsseNode = root.path("dsseEnvelope");
      if (messageNode.isObject() == dsseNode.isObject()) {
        throw new VerificationFailure(
            "bundle must hold exactly one of messageSignature or dsseEnvelope");
      }
      if (messageNode.isObject()) {
        JsonNode digest = messageNode.path("messageDigest");
        message =
            new MessageSignature(
                digest.path("algorithm").asText(""),
                digest.has("digest") ? base64(digest.path("digest").asText()) : null,
                base64(messageNode.path("signature").asText()));
      } else {
        List<byte[]> signatures = new ArrayList<>();
        for (JsonNode signature : dsseNode.path("signatures")) {
          signatures.add(base64(signature.path("sig").asText()));
        }
        if (signatures.isEmpty()) {
          throw new VerificationFailure("bundle DSSE envelope has no signature");
        }
        envelope =
            new Envelope(
                dsseNode.path("payloadType").asText(""),
                base64(dsseNode.path("payload").asText()),
                signatures);
      }
      return new SigstoreBundle(
          mediaType,
          List.copyOf(certificates),
          publicKey,
          List.copyOf(entries),
          timestamps,
          message,
          envelope);
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("bundle holds malformed base64: " + e.getMessage(), e);
    }
  }

  /** The bundle media type says v0.1, where Rekor entries need not carry an inclusion proof. */
  boolean isVersion01() {
    return mediaType.equals("application/vnd.dev.sigstore.bundle+json;version=0.1");
  }

  /**
   * For a DSSE in-toto statement: true when a subject carries {@code digest} (same algorithm,
   * same value).
   *
   * @throws VerificationFailure when the payload is not an in-toto statement
   */
  boolean statementNames(ImageDigest digest) throws VerificationFailure {
    if (!IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
      throw new VerificationFailure(
          "DSSE payload type is '" + envelope.payloadType() + "', not " + IN_TOTO_PAYLOAD_TYPE);
    }
    JsonNode statement;
    try {
      statement = JSON.readTree(envelope.payload());
    } catch (Exception e) {
      throw new VerificationFailure("DSSE payload is not a JSON in-toto statement", e);
    }
    for (JsonNode subject : statement.path("subject")) {
      for (Map.Entry<String, JsonNode> entry : subject.path("digest").properties()) {
        if (entry.getKey().equals(digest.algorithm())
            && entry.getValue().asText().equalsIgnoreCase(digest.hex())) {
          return true;
        }
      }
    }
    return false;
  }

  private static X509Certificate certificate(String base64Der) throws VerificationFailure {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64Der)));
    } catch (CertificateException | IllegalArgumentException e) {
      throw new VerificationFailure("bundle certificate is malformed", e);
    }
  }

  private static byte[] base64(String text) {
    return Base64.getDecoder().decode(text);
  }
}
