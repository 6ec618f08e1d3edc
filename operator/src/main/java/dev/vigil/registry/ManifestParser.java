package dev.vigil.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses OCI and Docker v2 manifests and indexes, strictly: every descriptor needs a media
 * type, a valid digest and a non-negative size. Throws {@link ManifestFormatException}.
 */
public final class ManifestParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestParser() {}

  /**
   * The media type of a manifest document: its own "mediaType" field, else a known
   * Content-Type, else inferred from its shape. Refuses Docker schema 1.
   *
   * @param contentType the Content-Type header, may be null or carry parameters
   */
  public static String mediaType(byte[] content, String contentType) {
    JsonNode root = readObject(content);
    String header = contentType == null ? null : stripParameters(contentType);
    JsonNode schemaVersion = root.get("schemaVersion");
    if (MediaTypes.isSchema1(header)
        || schemaVersion != null && schemaVersion.isInt() && schemaVersion.asInt() == 1
        || root.has("fsLayers") && !root.has("layers")) {
      throw new ManifestFormatException(
          RegistryException.Kind.UNSUPPORTED,
          "Docker image manifest schema 1 is not supported (deprecated since 2017); "
              + "rebuild or re-push the image with a current client");
    }
    JsonNode own = root.get("mediaType");
    if (own != null && own.isTextual() && !own.asText().isEmpty()) {
      return own.asText();
    }
    if (header != null && (MediaTypes.isIndex(header) || MediaTypes.isManifest(header))) {
      return header;
    }
    if (root.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (root.has("config") && root.has("layers")) {
      return MediaTypes.OCI_MANIFEST;
    }
    return header == null ? "application/octet-stream" : header;
  }

  /** An image manifest (OCI or Docker v2 schema 2). */
  public static ImageManifest parseManifest(byte[] content, String mediaType) {
    JsonNode root = readObject(content);
    requireSchemaVersion2(root);
    JsonNode config = root.get("config");
    if (config == null || !config.isObject()) {
      throw malformed("manifest has no \"config\" descriptor");
    }
    JsonNode layers = root.get("layers");
    // Go tools serialise an empty layer list as null; treat it as no layers.
    if (layers == null || !layers.isArray() && !layers.isNull()) {
      throw malformed("manifest has no \"layers\" array");
    }
    List<Descriptor> layerList = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      layerList.add(descriptor(layers.get(i), "layers[" + i + "]"));
    }
    return new ImageManifest(
        mediaType,
        descriptor(config, "config"),
        layerList,
        optionalDescriptor(root, "subject"),
        optionalText(root, "artifactType"),
        stringMap(root.get("annotations"), "annotations"));
  }

  /** An image index or Docker manifest list. */
  public static ImageIndex parseIndex(byte[] content, String mediaType) {
    JsonNode root = readObject(content);
    requireSchemaVersion2(root);
    JsonNode manifests = root.get("manifests");
    if (manifests == null || manifests.isNull()) {
      // An index with "manifests": null exists in the wild (Docker 25 image layouts).
      return new ImageIndex(mediaType, List.of(), optionalDescriptor(root, "subject"),
          stringMap(root.get("annotations"), "annotations"));
    }
    if (!manifests.isArray()) {
      throw malformed("index \"manifests\" is not an array");
    }
    List<Descriptor> entries = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      entries.add(descriptor(manifests.get(i), "manifests[" + i + "]"));
    }
    return new ImageIndex(
        mediaType, entries, optionalDescriptor(root, "subject"),
        stringMap(root.get("annotations"), "annotations"));
  }

  private static void requireSchemaVersion2(JsonNode root) {
    JsonNode version = root.get("schemaVersion");
    if (version == null || !version.isInt() || version.asInt() != 2) {
      if (version != null && version.isInt() && version.asInt() == 1) {
        throw new ManifestFormatException(
            RegistryException.Kind.UNSUPPORTED, "Docker image manifest schema 1 is not supported");
      }
      throw malformed("schemaVersion must be 2, got " + version);
    }
  }

  private static JsonNode readObject(byte[] content) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (IOException e) {
      throw new ManifestFormatException(
          RegistryException.Kind.MALFORMED, "manifest is not valid JSON: " + firstLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw malformed("manifest is not a JSON object");
    }
    return root;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static Descriptor optionalDescriptor(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || node.isNull() ? null : descriptor(node, field);
  }

  private static Descriptor descriptor(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw malformed(where + " is not a descriptor object");
    }
    String mediaType = requiredText(node, "mediaType", where);
    String digest = requiredText(node, "digest", where);
    try {
      Digest.parse(digest);
    } catch (IllegalArgumentException e) {
      throw malformed(where + ": " + e.getMessage());
    }
    JsonNode size = node.get("size");
    if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
      throw malformed(where + " has no valid \"size\"");
    }
    Platform platform = null;
    JsonNode platformNode = node.get("platform");
    if (platformNode != null && !platformNode.isNull()) {
      if (!platformNode.isObject()) {
        throw malformed(where + ".platform is not an object");
      }
      String os = requiredText(platformNode, "os", where + ".platform");
      String architecture = requiredText(platformNode, "architecture", where + ".platform");
      String variant = optionalText(platformNode, "variant");
      platform = new Platform(os, architecture, variant);
    }
    List<String> urls = new ArrayList<>();
    JsonNode urlNode = node.get("urls");
    if (urlNode != null && urlNode.isArray()) {
      urlNode.forEach(u -> urls.add(u.asText()));
    }
    return new Descriptor(
        mediaType,
        digest,
        size.asLong(),
        platform,
        optionalText(node, "artifactType"),
        stringMap(node.get("annotations"), where + ".annotations"),
        urls);
  }

  private static String requiredText(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw malformed(where + " has no \"" + field + "\" string");
    }
    return value.asText();
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() ? null : value.asText();
  }

  private static Map<String, String> stringMap(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw malformed(where + " is not an object");
    }
    Map<String, String> map = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      map.put(field.getKey(), field.getValue().asText());
    }
    return map;
  }

  static String stripParameters(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  private static ManifestFormatException malformed(String message) {
    return new ManifestFormatException(RegistryException.Kind.MALFORMED, message);
  }
}
