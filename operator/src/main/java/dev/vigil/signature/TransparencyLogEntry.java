package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A Rekor v1 log entry as carried next to a signature: the canonical entry body, where and
 * when it was logged, the Signed Entry Timestamp (the log's promise to include it) and,
 * in newer bundles, a Merkle inclusion proof with a signed checkpoint.
 *
 * @param body base64 of the canonicalised entry body
 * @param integratedTime seconds since the epoch; 0 when the entry carries none (Rekor v2)
 * @param logIdHex SHA-256 of the log's public key, hex
 * @param signedEntryTimestamp base64 signature, or null
 * @param inclusionProof the proof, or null
 */
record TransparencyLogEntry(
    String body,
    long integratedTime,
    long logIndex,
    String logIdHex,
    String signedEntryTimestamp,
    InclusionProof inclusionProof) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Merkle inclusion proof; hashes hex, checkpoint the signed note text. */
  record InclusionProof(
      long logIndex, String rootHashHex, long treeSize, List<String> hashesHex, String checkpoint) {}

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
    JsonNode payload = root.path("Payload");
    String set = text(root, "SignedEntryTimestamp");
    String body = text(payload, "body");
    String logId = text(payload, "logID");
    if (body == null || logId == null || !payload.path("integratedTime").canConvertToLong()
        || !payload.path("logIndex").canConvertToLong()) {
      throw new VerificationFailure(
          "cosign Rekor bundle annotation lacks Payload.body, integratedTime, logIndex or logID");
    }
    return new TransparencyLogEntry(
        body,
        payload.path("integratedTime").asLong(),
        payload.path("logIndex").asLong(),
        logId.toLowerCase(java.util.Locale.ROOT),
        set,
        null);
  }

  /** Reads one {@code verificationMaterial.tlogEntries[]} element of a Sigstore bundle. */
  static TransparencyLogEntry fromBundle(JsonNode entry) throws VerificationFailure {
    try {
      String body = text(entry, "canonicalizedBody");
      String keyId = text(entry.path("logId"), "keyId");
      if (body == null || keyId == null) {
        throw new VerificationFailure("bundle tlog entry lacks canonicalizedBody or logId");
      }
      JsonNode proofNode = entry.path("inclusionProof");
      InclusionProof proof = null;
      if (proofNode.isObject()) {
        List<String> hashes = new ArrayList<>();
        for (JsonNode hash : proofNode.path("hashes")) {
          hashes.add(hex(hash.asText()));
        }
        proof =
            new InclusionProof(
                Long.parseLong(proofNode.path("logIndex").asText("0")),
                hex(proofNode.path("rootHash").asText()),
                Long.parseLong(proofNode.path("treeSize").asText("0")),
                hashes,
                text(proofNode.path("checkpoint"), "envelope"));
      }
      return new TransparencyLogEntry(
          body,
          Long.parseLong(entry.path("integratedTime").asText("0")),
          Long.parseLong(entry.path("logIndex").asText("0")),
          hex(keyId),
          text(entry.path("inclusionPromise"), "signedEntryTimestamp"),
          proof);
    } catch (NumberFormatException e) {
      throw new VerificationFailure("bundle tlog entry has a malformed number: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("bundle tlog entry has malformed base64: " + e.getMessage(), e);
    }
  }

  /** The JSON the Signed Entry Timestamp signs: RFC 8785 canonical form (sorted keys). */
  byte[] signedEntryTimestampPayload() {
    var node = JSON.createObjectNode();
    node.put("body", body);
    node.put("integratedTime", integratedTime);
    node.put("logID", logIdHex);
    node.put("logIndex", logIndex);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialise a JSON object of four scalars", e);
    }
  }

  private static String hex(String base64) {
    return HexFormat.of().formatHex(Base64.getDecoder().decode(base64));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }
}
