package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A transparency log entry as carried next to a signature: the canonical entry body, where
 * and when it was logged, the Signed Entry Timestamp (a Rekor v1 log's promise to include it)
 * and a Merkle inclusion proof with a signed checkpoint.
 *
 * @param body base64 of the canonicalised entry body, exactly as given (the SET signs this text)
 * @param integratedTime seconds since the epoch; 0 when the entry carries none (Rekor v2)
 * @param logId the log's id (SHA-256 of its key, or its signed-note key id for Rekor v2)
 * @param kind the entry kind the bundle declares, or null when it declares none (cosign's
 *     annotation)
 * @param version the entry kind's version the bundle declares, or null
 * @param signedEntryTimestamp base64 signature, or null
 * @param inclusionProof the proof, or null
 */
record TransparencyLogEntry(
    String body,
    long integratedTime,
    long logIndex,
    byte[] logId,
    String kind,
    String version,
    String signedEntryTimestamp,
    InclusionProof inclusionProof) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Merkle inclusion proof; {@code checkpoint} is the signed note text, or null in early v0.1
   * bundles whose proofs predate checkpoints.
   */
  record InclusionProof(long logIndex, byte[] rootHash, long treeSize, List<byte[]> hashes, String checkpoint) {}

  String logIdHex() {
    return HexFormat.of().formatHex(logId);
  }

  byte[] bodyBytes() {
    return TrustRoot.Base64Json.decode(body);
  }

  /**
   * Reads cosign's {@code dev.sigstore.cosign/bundle} annotation: {@code {"SignedEntryTimestamp":
   * base64, "Payload": {"body", "integratedTime", "logIndex", "logID"}}}.
   */
  static TransparencyLogEntry fromCosignBundle(String annotation) throws VerificationFailure {
    JsonNode root;
    try {
      root = JSON.readTree(annotation);
    } catch (Exception e) {
      throw new VerificationFailure("cosign Rekor bundle annotation is not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new VerificationFailure("cosign Rekor bundle annotation is not a JSON object");
    }
    JsonNode payload = root.path("Payload");
    String set = text(root, "SignedEntryTimestamp");
    String body = text(payload, "body");
    String logId = text(payload, "logID");
    if (body == null || logId == null || !payload.path("integratedTime").canConvertToLong()
        || !payload.path("logIndex").canConvertToLong()) {
      throw new VerificationFailure(
          "cosign Rekor bundle annotation lacks Payload.body, integratedTime, logIndex or logID");
    }
    byte[] id;
    try {
      id = HexFormat.of().parseHex(logId);
      Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("cosign Rekor bundle annotation holds a malformed logID or body", e);
    }
    long logIndex = payload.path("logIndex").asLong();
    if (logIndex < 0) {
      throw new VerificationFailure("cosign Rekor bundle annotation has a negative logIndex");
    }
    return new TransparencyLogEntry(
        body, payload.path("integratedTime").asLong(), logIndex, id, null, null, set, null);
  }

  /** Reads one {@code verificationMaterial.tlogEntries[]} element of a Sigstore bundle. */
  static TransparencyLogEntry fromBundle(JsonNode entry, int position) throws VerificationFailure {
    String where = "transparency log entry " + position;
    if (!entry.isObject()) {
      throw new VerificationFailure(where + " is not an object");
    }
    String body = text(entry, "canonicalizedBody");
    if (body == null) {
      throw new VerificationFailure(where + " has no canonicalizedBody");
    }
    SigstoreBundle.bytes(entry.path("canonicalizedBody"), where + " body");
    byte[] logId = SigstoreBundle.bytes(entry.path("logId").path("keyId"), where + " logId");
    JsonNode kindVersion = entry.path("kindVersion");
    String kind = text(kindVersion, "kind");
    String version = text(kindVersion, "version");
    if (kind == null || version == null) {
      throw new VerificationFailure(where + " has no kindVersion");
    }
    long logIndex = number(entry.path("logIndex"), where + " logIndex", true);
    if (logIndex < 0) {
      throw new VerificationFailure(where + " has a negative logIndex (" + logIndex + ")");
    }
    long integratedTime = number(entry.path("integratedTime"), where + " integratedTime", false);
    if (integratedTime < 0) {
      throw new VerificationFailure(where + " has a negative integratedTime");
    }
    String set = null;
    JsonNode promise = entry.path("inclusionPromise");
    if (promise.isObject()) {
      SigstoreBundle.bytes(promise.path("signedEntryTimestamp"), where + " signedEntryTimestamp");
      set = promise.path("signedEntryTimestamp").asText();
    }
    InclusionProof proof = null;
    JsonNode proofNode = entry.path("inclusionProof");
    if (proofNode.isObject()) {
      List<byte[]> hashes = new ArrayList<>();
      JsonNode hashesNode = proofNode.path("hashes");
      if (!hashesNode.isMissingNode() && !hashesNode.isArray()) {
        throw new VerificationFailure(where + " inclusion proof hashes is not an array");
      }
      for (JsonNode hash : hashesNode) {
        hashes.add(SigstoreBundle.bytes(hash, where + " inclusion proof hash"));
      }
      String checkpoint = text(proofNode.path("checkpoint"), "envelope");
      long proofIndex = number(proofNode.path("logIndex"), where + " inclusion proof logIndex", false);
      long treeSize = number(proofNode.path("treeSize"), where + " inclusion proof treeSize", true);
      if (proofIndex < 0 || treeSize <= 0) {
        throw new VerificationFailure(where + " inclusion proof has a negative index or an empty tree");
      }
      proof =
          new InclusionProof(
              proofIndex,
              SigstoreBundle.bytes(proofNode.path("rootHash"), where + " inclusion proof rootHash"),
              treeSize,
              List.copyOf(hashes),
              checkpoint);
    }
    return new TransparencyLogEntry(body, integratedTime, logIndex, logId, kind, version, set, proof);
  }

  /** The JSON the Signed Entry Timestamp signs: RFC 8785 canonical form (sorted keys). */
  byte[] signedEntryTimestampPayload() {
    var node = JSON.createObjectNode();
    node.put("body", body);
    node.put("integratedTime", integratedTime);
    node.put("logID", logIdHex());
    node.put("logIndex", logIndex);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialise a JSON object of four scalars", e);
    }
  }

  /** Protobuf JSON int64: a decimal string or a JSON number; absent means 0. */
  private static long number(JsonNode node, String what, boolean required) throws VerificationFailure {
    if (node.isMissingNode() || node.isNull()) {
      if (required) {
        throw new VerificationFailure(what + " is missing");
      }
      return 0;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    if (node.isTextual()) {
      try {
        return Long.parseLong(node.asText());
      } catch (NumberFormatException e) {
        throw new VerificationFailure(what + " '" + node.asText() + "' is not a number", e);
      }
    }
    throw new VerificationFailure(what + " is not a number");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }
}
