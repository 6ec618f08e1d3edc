package dev.vigil.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON value inside a webhook payload together with its path ("events[0].target"), with strict
 * accessors: a field that is required but missing, or present with the wrong type, fails with a
 * {@link WebhookPayloadException} naming the path. Unknown fields are ignored.
 */
final class PayloadNode {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final JsonNode node;
  private final String path;

  private PayloadNode(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Parses a request body whose top level must be a JSON object. */
  static PayloadNode parseObject(byte[] body) throws WebhookPayloadException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new WebhookPayloadException("malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new WebhookPayloadException("unreadable JSON: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new WebhookPayloadException("empty body: expected a JSON object");
    }
    if (!root.isObject()) {
      throw new WebhookPayloadException(
          "expected a JSON object at the top level, found " + kind(root));
    }
    return new PayloadNode(root, "");
  }

  /** True when the field is present and not JSON null. */
  boolean has(String field) {
    JsonNode child = node.get(field);
    return child != null && !child.isNull();
  }

  /** A required object field. */
  PayloadNode object(String field) throws WebhookPayloadException {
    PayloadNode child = optionalObject(field);
    if (child == null) {
      throw missing(field, "an object");
    }
    return child;
  }

  /** An object field, or null when absent or JSON null. */
  PayloadNode optionalObject(String field) throws WebhookPayloadException {
    JsonNode child = node.get(field);
    if (child == null || child.isNull()) {
      return null;
    }
    if (!child.isObject()) {
      throw wrongType(field, "an object", child);
    }
    return new PayloadNode(child, childPath(field));
  }

  /** A required, non-empty string field. */
  String text(String field) throws WebhookPayloadException {
    String value = optionalText(field);
    if (value == null) {
      throw has(field)
          ? new WebhookPayloadException(childPath(field) + ": empty, expected a non-empty string")
          : missing(field, "a non-empty string");
    }
    return value;
  }

  /** A string field, or null when absent, JSON null or empty. */
  String optionalText(String field) throws WebhookPayloadException {
    JsonNode child = node.get(field);
    if (child == null || child.isNull()) {
      return null;
    }
    if (!child.isTextual()) {
      throw wrongType(field, "a string", child);
    }
    String value = child.textValue();
    return value.isEmpty() ? null : value;
  }

  /** A required array of objects. */
  List<PayloadNode> objects(String field) throws WebhookPayloadException {
    JsonNode array = array(field);
    List<PayloadNode> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      String itemPath = childPath(field) + "[" + i + "]";
      if (!item.isObject()) {
        throw new WebhookPayloadException(itemPath + ": expected an object, found " + kind(item));
      }
      items.add(new PayloadNode(item, itemPath));
    }
    return items;
  }

  /** A required array of non-empty strings. */
  List<String> texts(String field) throws WebhookPayloadException {
    JsonNode array = array(field);
    List<String> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      if (!item.isTextual() || item.textValue().isEmpty()) {
        throw new WebhookPayloadException(
            childPath(field) + "[" + i + "]: expected a non-empty string, found " + kind(item));
      }
      items.add(item.textValue());
    }
    return items;
  }

  /** This node's path in the payload, "" for the top level. */
  String path() {
    return path;
  }

  /** The path of a field of this node, e.g. "event_data.repository". */
  String childPath(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private JsonNode array(String field) throws WebhookPayloadException {
    JsonNode child = node.get(field);
    if (child == null || child.isNull()) {
      throw missing(field, "an array");
    }
    if (!child.isArray()) {
      throw wrongType(field, "an array", child);
    }
    return child;
  }

  private WebhookPayloadException missing(String field, String expected) {
    return new WebhookPayloadException(childPath(field) + ": missing, expected " + expected);
  }

  private WebhookPayloadException wrongType(String field, String expected, JsonNode found) {
    return new WebhookPayloadException(
        childPath(field) + ": expected " + expected + ", found " + kind(found));
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case BINARY -> "binary data";
      case MISSING -> "nothing";
    };
  }
}
