package dev.vigil.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * An RFC 6902 JSON patch document under construction, with the map-entry operations that Kubernetes
 * annotations need (the map may be absent, keys contain '/').
 */
final class JsonPatch {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArrayNode operations = JSON.createArrayNode();

  /** Fails the whole patch unless {@code path} holds {@code value}. */
  JsonPatch test(String path, String value) {
    operations.addObject().put("op", "test").put("path", path).put("value", value);
    return this;
  }

  JsonPatch replace(String path, String value) {
    operations.addObject().put("op", "replace").put("path", path).put("value", value);
    return this;
  }

  /**
   * Sets {@code key} in the string map at {@code mapPath}. {@code current} is the map as read (null
   * when absent); {@code parentPath} and {@code mapField} create it, and the parent object too when
   * {@code parentExists} is false.
   */
  JsonPatch putEntry(
      String parentPath,
      boolean parentExists,
      String mapField,
      Map<String, String> current,
      String key,
      String value) {
    if (!parentExists) {
      ObjectNode parent = JSON.createObjectNode();
      parent.putObject(mapField).put(key, value);
      operations.addObject().put("op", "add").put("path", parentPath).set("value", parent);
    } else if (current == null) {
      ObjectNode map = JSON.createObjectNode().put(key, value);
      operations
          .addObject()
          .put("op", "add")
          .put("path", parentPath + "/" + mapField)
          .set("value", map);
    } else {
      operations
          .addObject()
          .put("op", "add")
          .put("path", parentPath + "/" + mapField + "/" + escape(key))
          .put("value", value);
    }
    return this;
  }

  /** Removes {@code key} from the string map at {@code mapPath} if {@code current} has it. */
  JsonPatch removeEntry(String mapPath, Map<String, String> current, String key) {
    if (current != null && current.containsKey(key)) {
      operations.addObject().put("op", "remove").put("path", mapPath + "/" + escape(key));
    }
    return this;
  }

  /** A JSON pointer reference token: '~' is "~0", '/' is "~1". */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  @Override
  public String toString() {
    return operations.toString();
  }
}
