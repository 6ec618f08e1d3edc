package dev.vigil.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Compares and copies status objects by their JSON form, the form that is written to the API
 * server, so "changed" means exactly "a patch would change something".
 */
final class StatusDiff {

  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  private StatusDiff() {}

  static boolean same(Object a, Object b) {
    JsonNode left = a == null ? null : MAPPER.valueToTree(a);
    JsonNode right = b == null ? null : MAPPER.valueToTree(b);
    return left == null ? right == null : left.equals(right);
  }

  static <T> T copy(T status, Class<T> type) {
    return status == null ? null : MAPPER.convertValue(status, type);
  }
}
