package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Sigstore bundle (JSON, v0.1 to v0.3), read strictly: verification material (certificate,
 * certificate chain or public-key hint), transparency log entries, RFC 3161 timestamps, and the
 * signed content (a message signature over a digest, or a DSSE envelope with exactly one
 * signature). A bundle of another version, with malformed base64 or numbers, a negative log
 * index, an empty certificate chain, a v0.1 entry without an inclusion promise or a v0.2+
 * entry without an inclusion proof is refused here, before anything is verified.
 */
final class SigstoreBundle {

  static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
  static final int MAX_LOG_ENTRIES = 32;
  static final int MAX_TIMESTAMPS = 32;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The bundle format versions Vigil reads, by media type. */
  enum Version {
    V01("application/vnd.dev.sigstore.bundle+json;version=0.1"),
    V02("application/vnd.dev.sigstore.bundle+json;version=0.2"),
    V03("application/vnd.dev.sigstore.bundle+json;version=0.3", "application/vnd.dev.sigstore.bundle.v0.3+json");

    final List<String> mediaTypes;

    Version(String... mediaTypes) {
      this.mediaTypes = List.of(mediaTypes);
    }

    static Version of(String mediaType) {
      for (Version version : values()) {
        if (version.mediaTypes.contains(mediaType)) {
          return version;
        }
      }
      return null;
    }
  }

  final Version version;
  /** Leaf first; empty for key-signed bundles. */
  final List<X509Certificate> certificates;
  final boolean publicKeyMaterial;
  final List<TransparencyLogEntry> logEntries;
  final List<byte[]> timestamps;
  final MessageSignature messageSignature;
  final Envelope envelope;

  record MessageSignature(String digestAlgorithm, byte[] digest, byte[] signature) {}

  /** A DSSE envelope; Sigstore bundles carry exactly one signature. */
  record Envelope(String payloadType, byte[] payload, byte[] signature) {

    byte[] pae() {
      return pae(payloadType, payload);
    }

    /** DSSE pre-authentication encoding; lengths count bytes, not characters. */
    static byte[] pae(String payloadType, byte[] payload) {
      byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
      byte[] header =
          ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
              .getBytes(StandardCharsets.UTF_8);
      byte[] pae = Arrays.copyOf(header, header.length + payload.length);
      System.arraycopy(payload, 0, pae, header.length, payload.length);
      return pae;
    }
  }

  private SigstoreBundle(
      Version version,
      List<X509Certificate> certificates,
      boolean publicKeyMaterial,
      List<TransparencyLogEntry> logEntries,
      List<byte[]> timestamps,
      MessageSignature messageSignature,
      Envelope envelope) {
    this.version = version;
    this.certificates = certificates;
    this.publicKeyMaterial = publicKeyMaterial;
    this.logEntries = logEntries;
    this.timestamps = timestamps;
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
    Version version = Version.of(mediaType);
    if (version == null) {
      throw new VerificationFailure(
          "bundle media type '" + mediaType + "' is not a supported version (v0.1, v0.2, v0.3)");
    }
    JsonNode material = root.path("verificationMaterial");
    if (!material.isObject()) {
      throw new VerificationFailure("bundle has no verificationMaterial");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    JsonNode chain = material.path("x509CertificateChain");
    JsonNode single = material.path("certificate");
    boolean publicKey = material.path("publicKey").isObject();
    int kinds = (chain.isObject() ? 1 : 0) + (single.isObject() ? 1 : 0) + (publicKey ? 1 : 0);
    if (kinds != 1) {
      throw new VerificationFailure(
          "bundle verificationMaterial must hold exactly one of certificate,"
              + " x509CertificateChain or publicKey (it holds " + kinds + ")");
    }
    if (chain.isObject()) {
      if (version == Version.V03) {
        throw new VerificationFailure(
            "v0.3 bundles carry a single certificate, not an x509CertificateChain");
      }
      JsonNode list = chain.path("certificates");
      if (!list.isArray() || list.isEmpty()) {
        throw new VerificationFailure("bundle certificate chain is empty");
      }
      for (JsonNode certificate : list) {
        certificates.add(certificate(certificate.path("rawBytes"), "certificate chain"));
      }
    } else if (single.isObject()) {
      certificates.add(certificate(single.path("rawBytes"), "certificate"));
    }
    JsonNode entriesNode = material.path("tlogEntries");
    if (!entriesNode.isMissingNode() && !entriesNode.isNull() && !entriesNode.isArray()) {
      throw new VerificationFailure("bundle tlogEntries is not an array");
    }
    if (entriesNode.size() > MAX_LOG_ENTRIES) {
      throw new VerificationFailure(
          "bundle has " + entriesNode.size() + " transparency log entries (at most " + MAX_LOG_ENTRIES + ")");
    }
    List<TransparencyLogEntry> entries = new ArrayList<>();
    for (JsonNode entry : entriesNode) {
      TransparencyLogEntry parsed = TransparencyLogEntry.fromBundle(entry, entries.size());
      if (version == Version.V01 && parsed.signedEntryTimestamp() == null) {
        throw new VerificationFailure(
            "v0.1 bundle transparency log entry " + entries.size() + " has no inclusion promise (SET)");
      }
      if (version != Version.V01 && parsed.inclusionProof() == null) {
        throw new VerificationFailure(
            "transparency log entry " + entries.size() + " has no inclusion proof, which "
                + (version == Version.V02 ? "v0.2" : "v0.3") + " bundles require");
      }
      entries.add(parsed);
    }
    List<byte[]> timestamps = timestamps(material.path("timestampVerificationData"));
    JsonNode messageNode = root.path("messageSignature");
    JsonNode dsseNode = root.path("dsseEnvelope");
    if (messageNode.isObject() == dsseNode.isObject()) {
      throw new VerificationFailure("bundle must hold exactly one of messageSignature or dsseEnvelope");
    }
    MessageSignature message = null;
    Envelope envelope = null;
    if (messageNode.isObject()) {
      JsonNode digest = messageNode.path("messageDigest");
      if (!digest.isObject()) {
        throw new VerificationFailure("bundle message signature carries no message digest");
      }
      message =
          new MessageSignature(
              digest.path("algorithm").asText(""),
              bytes(digest.path("digest"), "message digest"),
              bytes(messageNode.path("signature"), "message signature"));
    } else {
      JsonNode signatures = dsseNode.path("signatures");
      if (!signatures.isArray() || signatures.size() != 1) {
        throw new VerificationFailure(
            "bundle DSSE envelope must carry exactly one signature (it has " + signatures.size() + ")");
      }
      String payloadType = dsseNode.path("payloadType").asText("");
      if (payloadType.isEmpty()) {
        throw new VerificationFailure("bundle DSSE envelope has no payloadType");
      }
      envelope =
          new Envelope(
              payloadType,
              bytes(dsseNode.path("payload"), "DSSE payload"),
              bytes(signatures.get(0).path("sig"), "DSSE signature"));
    }
    return new SigstoreBundle(
        version, List.copyOf(certificates), publicKey, List.copyOf(entries), timestamps, message, envelope);
  }

  private static List<byte[]> timestamps(JsonNode data) throws VerificationFailure {
    JsonNode list = data.path("rfc3161Timestamps");
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new VerificationFailure("bundle rfc3161Timestamps is not an array");
    }
    if (list.size() > MAX_TIMESTAMPS) {
      throw new VerificationFailure(
          "bundle has " + list.size() + " RFC 3161 timestamps (at most " + MAX_TIMESTAMPS + ")");
    }
    List<byte[]> timestamps = new ArrayList<>();
    for (JsonNode timestamp : list) {
      byte[] token = bytes(timestamp.path("signedTimestamp"), "RFC 3161 timestamp");
      for (byte[] earlier : timestamps) {
        if (Arrays.equals(earlier, token)) {
          throw new VerificationFailure("bundle carries the same RFC 3161 timestamp twice");
        }
      }
      timestamps.add(token);
    }
    return List.copyOf(timestamps);
  }

  /** The signature that log entries and timestamps must be about. */
  byte[] signature() {
    return messageSignature != null ? messageSignature.signature() : envelope.signature();
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
    if (statement == null || !statement.isObject()) {
      throw new VerificationFailure("DSSE payload is not a JSON in-toto statement");
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

  private static X509Certificate certificate(JsonNode rawBytes, String what) throws VerificationFailure {
    byte[] der = bytes(rawBytes, what);
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw new VerificationFailure("bundle " + what + " is malformed", e);
    }
  }

  /** Required, non-empty base64 (standard or URL-safe alphabet, as protobuf JSON allows). */
  static byte[] bytes(JsonNode node, String what) throws VerificationFailure {
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw new VerificationFailure("bundle " + what + " is missing");
    }
    try {
      return TrustRoot.Base64Json.decode(node.asText());
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("bundle " + what + " is not valid base64: " + e.getMessage(), e);
    }
  }
}
