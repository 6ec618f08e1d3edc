package dev.vigil.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads config JSON through the tree model rather than data binding: real configs carry nulls where
 * lists or objects belong ("Env": null, "Volumes": null, "OnBuild": null) and many fields nobody
 * reads, and errors must name the offending field.
 */
final class ImageConfigParser {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ImageConfigParser() {}

  static ImageConfig parse(byte[] json) {
    if (json == null || json.length == 0) {
      throw new InvalidImageConfigException("image config is empty");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidImageConfigException(
          "image config is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidImageConfigException("image config could not be read: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidImageConfigException("image config is empty");
    }
    requireObject(root, "image config");
    JsonNode rootfs = root.get("rootfs");
    if (present(rootfs)) {
      requireObject(rootfs, "rootfs");
    }
    return new ImageConfig(
        string(root, "os", ""),
        string(root, "architecture", ""),
        string(root, "variant", ""),
        timestamp(root, "created", ""),
        string(root, "author", ""),
        container(root.get("config")),
        present(rootfs) ? strings(rootfs, "diff_ids", "rootfs.") : List.of(),
        history(root.get("history")));
  }

  private static ImageConfig.Container container(JsonNode node) {
    if (!present(node)) {
      return null;
    }
    requireObject(node, "config");
    String p = "config.";
    return new ImageConfig.Container(
        string(node, "User", p),
        strings(node, "Env", p),
        strings(node, "Entrypoint", p),
        strings(node, "Cmd", p),
        string(node, "WorkingDir", p),
        keys(node, "ExposedPorts", p),
        keys(node, "Volumes", p),
        labels(node.get("Labels")),
        healthcheck(node.get("Healthcheck")),
        string(node, "StopSignal", p),
        strings(node, "OnBuild", p));
  }

  private static ImageConfig.Healthcheck healthcheck(JsonNode node) {
    if (!present(node)) {
      return null;
    }
    requireObject(node, "config.Healthcheck");
    return new ImageConfig.Healthcheck(strings(node, "Test", "config.Healthcheck."));
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (!present(node)) {
      return labels;
    }
    requireObject(node, "config.Labels");
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode value = e.getValue();
      if (!present(value)) {
        labels.put(e.getKey(), "");
      } else if (value.isTextual()) {
        labels.put(e.getKey(), value.textValue());
      } else {
        throw wrongType("config.Labels." + e.getKey(), "a string", value);
      }
    }
    return labels;
  }

  private static List<ImageConfig.HistoryEntry> history(JsonNode node) {
    List<ImageConfig.HistoryEntry> history = new ArrayList<>();
    if (!present(node)) {
      return history;
    }
    if (!node.isArray()) {
      throw wrongType("history", "an array", node);
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode step = node.get(i);
      String p = "history[" + i + "]";
      if (!present(step)) {
        continue;
      }
      requireObject(step, p);
      JsonNode empty = step.get("empty_layer");
      if (present(empty) && !empty.isBoolean()) {
        throw wrongType(p + ".empty_layer", "a boolean", empty);
      }
      history.add(
          new ImageConfig.HistoryEntry(
              timestamp(step, "created", p + "."),
              string(step, "created_by", p + "."),
              string(step, "author", p + "."),
              string(step, "comment", p + "."),
              present(empty) && empty.booleanValue()));
    }
    return history;
  }

  private static String string(JsonNode parent, String field, String prefix) {
    JsonNode node = parent.get(field);
    if (!present(node)) {
      return "";
    }
    if (!node.isTextual()) {
      throw wrongType(prefix + field, "a string", node);
    }
    return node.textValue();
  }

  /** A list of strings; null elements carry nothing and are skipped. */
  private static List<String> strings(JsonNode parent, String field, String prefix) {
    JsonNode node = parent.get(field);
    List<String> values = new ArrayList<>();
    if (!present(node)) {
      return values;
    }
    if (!node.isArray()) {
      throw wrongType(prefix + field, "an array of strings", node);
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode element = node.get(i);
      if (!present(element)) {
        continue;
      }
      if (!element.isTextual()) {
        throw wrongType(prefix + field + "[" + i + "]", "a string", element);
      }
      values.add(element.textValue());
    }
    return values;
  }

  /** Keys of a set-like object such as {"22/tcp": {}}. */
  private static List<String> keys(JsonNode parent, String field, String prefix) {
    JsonNode node = parent.get(field);
    List<String> keys = new ArrayList<>();
    if (!present(node)) {
      return keys;
    }
    requireObject(node, prefix + field);
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static Instant timestamp(JsonNode parent, String field, String prefix) {
    JsonNode node = parent.get(field);
    if (!present(node)) {
      return null;
    }
    if (!node.isTextual()) {
      throw wrongType(prefix + field, "an RFC 3339 timestamp string", node);
    }
    String text = node.textValue();
    if (text.isEmpty()) {
      return null;
    }
    try {
      // OffsetDateTime rather than Instant.parse: Java 17's Instant.parse rejects offsets
      // other than Z, and some builders write local offsets.
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidImageConfigException(
          "image config field "
              + prefix
              + field
              + " is not an RFC 3339 timestamp: \""
              + text
              + "\"",
          e);
    }
  }

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull() && !node.isMissingNode();
  }

  private static void requireObject(JsonNode node, String where) {
    if (!node.isObject()) {
      throw wrongType(where, "an object", node);
    }
  }

  private static InvalidImageConfigException wrongType(
      String where, String expected, JsonNode got) {
    String field = where.equals("image config") ? where : "image config field " + where;
    return new InvalidImageConfigException(
        field + " must be " + expected + " but is " + got.getNodeType().name().toLowerCase());
  }
}
