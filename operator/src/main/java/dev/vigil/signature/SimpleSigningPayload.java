package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The cosign "simple signing" payload that a cosign image signature signs:
 * {@code {"critical":{"identity":{"docker-reference":…},"image":{"docker-manifest-digest":…},
 * "type":"cosign container image signature"},"optional":…}}.
 */
record SimpleSigningPayload(String manifestDigest, String dockerReference) {

  static final String TYPE = "cosign container image signature";
  private static final ObjectMapper JSON = new ObjectMapper();

  static SimpleSigningPayload parse(byte[] payload) throws VerificationFailure {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (Exception e) {
      throw new VerificationFailure("signature payload is not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new VerificationFailure("signature payload is not a JSON object");
    }
    JsonNode critical = root.path("critical");
    String type = critical.path("type").asText(null);
    if (!TYPE.equals(type)) {
      throw new VerificationFailure(
          "signature payload critical.type is '" + type + "', not '" + TYPE + "'");
    }
    String digest = critical.path("image").path("docker-manifest-digest").asText(null);
    if (digest == null || digest.isBlank()) {
      throw new VerificationFailure(
          "signature payload has no critical.image.docker-manifest-digest");
    }
    return new SimpleSigningPayload(
        digest, critical.path("identity").path("docker-reference").asText(null));
  }
}
