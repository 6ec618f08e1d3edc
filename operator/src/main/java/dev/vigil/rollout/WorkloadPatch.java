package dev.vigil.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A strategic merge patch of a workload under construction.
 *
 * <p>It carries the {@code metadata.resourceVersion} it was computed from: the API server then
 * applies it to exactly that version of the object and answers 409 Conflict for any other, so a
 * step computed from an outdated read never overwrites someone's change. Map entries (annotations)
 * are set or removed without touching their siblings, and containers are merged by name, whether or
 * not the map or the template metadata exist yet. (A JSON patch has to know whether the annotations
 * map exists, which a client cannot tell from an object whose missing maps read as empty ones, or
 * from a cached object whose annotations were trimmed.)
 */
final class WorkloadPatch {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode root = JSON.createObjectNode();
  private final List<String> templatePath;

  /**
   * @param resourceVersion the version the patch was computed from
   * @param templatePath the fields leading to the pod template, e.g. {@code spec, template}
   */
  WorkloadPatch(String resourceVersion, List<String> templatePath) {
    this.templatePath = List.copyOf(templatePath);
    root.putObject("metadata").put("resourceVersion", resourceVersion);
  }

  /** Sets the workload's annotation {@code key}. */
  WorkloadPatch annotation(String key, String value) {
    child(child(root, "metadata"), "annotations").put(key, value);
    return this;
  }

  /** Sets the pod template's annotation {@code key}; null removes it. */
  WorkloadPatch templateAnnotation(String key, String value) {
    ObjectNode annotations = child(child(template(), "metadata"), "annotations");
    if (value == null) {
      annotations.putNull(key);
    } else {
      annotations.put(key, value);
    }
    return this;
  }

  /**
   * Sets the image of the container {@code name} in the template's {@code field} ("containers" or
   * "initContainers"); the other containers and the container's other fields stay as they are.
   */
  WorkloadPatch image(String field, String name, String image) {
    ObjectNode spec = child(template(), "spec");
    JsonNode existing = spec.get(field);
    ArrayNode containers = existing instanceof ArrayNode array ? array : spec.putArray(field);
    containers.addObject().put("name", name).put("image", image);
    return this;
  }

  private ObjectNode template() {
    ObjectNode node = root;
    for (String field : templatePath) {
      node = child(node, field);
    }
    return node;
  }

  private static ObjectNode child(ObjectNode parent, String field) {
    JsonNode existing = parent.get(field);
    return existing instanceof ObjectNode object ? object : parent.putObject(field);
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
