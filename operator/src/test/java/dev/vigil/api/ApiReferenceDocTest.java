package dev.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testsupport.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md is generated from the committed CRDs; this test fails when it is stale.
 * Regenerate with: mvn test -Dtest=ApiReferenceDocTest -Dvigil.updateDocs=true
 */
class ApiReferenceDocTest {

  private static final List<String> CRDS = List.of(
      "imagepolicies.vigil.dev-v1.yml", "scanschedules.vigil.dev-v1.yml", "imagereports.vigil.dev-v1.yml",
      "imageanalyses.vigil.dev-v1.yml");

  @Test
  void apiReferenceMatchesTheCrds() throws IOException {
    String generated = generate();
    Path doc = ProjectFiles.root().resolve("docs/api.md");
    if (Boolean.getBoolean("vigil.updateDocs")) {
      Files.writeString(doc, generated);
    }
    assertEquals(generated, Files.readString(doc),
        "docs/api.md is stale: mvn test -Dtest=ApiReferenceDocTest -Dvigil.updateDocs=true");
  }

  static String generate() throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# API reference (vigil.dev/v1alpha1)\n\n")
        .append("Generated from the CRDs in `crds/` by `ApiReferenceDocTest`; do not edit by hand.\n")
        .append("Validation shows the schema's enums, patterns, bounds, defaults and CEL rules; the\n")
        .append("reconcilers check the rest (globs, regular expressions, cron, time zones, references)\n")
        .append("and report problems as `Ready=False` with reason `InvalidSpec`.\n");
    for (String file : CRDS) {
      JsonNode crd = ManifestFiles.readTree(ProjectFiles.root().resolve("crds").resolve(file));
      JsonNode version = crd.at("/spec/versions/0");
      out.append("\n## ").append(crd.at("/spec/names/kind").asText()).append("\n\n");
      out.append("Plural `").append(crd.at("/spec/names/plural").asText()).append("`, short name `")
          .append(crd.at("/spec/names/shortNames/0").asText()).append("`, scope ")
          .append(crd.at("/spec/scope").asText())
          .append(version.at("/subresources/status").isMissingNode() ? ", no status.\n\n" : ", status subresource.\n\n");
      out.append("Printer columns: ");
      List<String> cols = new ArrayList<>();
      version.path("additionalPrinterColumns").forEach(c ->
          cols.add(c.path("name").asText() + " (`" + c.path("jsonPath").asText() + "`)"));
      out.append(String.join(", ", cols)).append(".\n\n");
      out.append("| field | type | description | validation |\n|---|---|---|---|\n");
      JsonNode schema = version.at("/schema/openAPIV3Schema");
      rules(schema, "(object)", out);
      for (String top : List.of("spec", "status")) {
        if (schema.path("properties").has(top)) {
          walk(schema.path("properties").path(top), top, out);
        }
      }
    }
    return out.toString();
  }

  private static void walk(JsonNode node, String path, StringBuilder out) {
    row(node, path, out);
    if (node.has("properties")) {
      node.path("properties").fields().forEachRemaining(e -> walk(e.getValue(), path + "." + e.getKey(), out));
    } else if (node.path("items").has("properties")) {
      node.path("items").path("properties").fields().forEachRemaining(
          e -> walk(e.getValue(), path + "[]." + e.getKey(), out));
    }
  }

  private static void row(JsonNode node, String path, StringBuilder out) {
    String type = node.path("type").asText("");
    if (type.equals("array")) {
      type = "[]" + node.path("items").path("type").asText("");
    } else if (type.equals("object") && node.path("additionalProperties").isObject()) {
      type = "map[string]" + node.path("additionalProperties").path("type").asText("");
    }
    List<String> v = new ArrayList<>();
    JsonNode enums = node.has("enum") ? node.get("enum") : node.path("items").path("enum");
    if (enums.isArray() && !enums.isEmpty()) {
      List<String> values = new ArrayList<>();
      enums.forEach(e -> values.add(e.asText()));
      v.add("one of " + String.join(", ", values));
    }
    if (node.has("pattern")) v.add("pattern `" + node.get("pattern").asText().replace("|", "\\|") + "`");
    if (node.has("default")) v.add("default `" + node.get("default").toString().replace("\"", "") + "`");
    if (node.has("minimum")) v.add("min " + node.get("minimum").asLong());
    if (node.has("maximum")) v.add("max " + node.get("maximum").asLong());
    if (node.has("minItems")) v.add("at least " + node.get("minItems").asLong() + " items");
    if (node.has("maxItems")) v.add("at most " + node.get("maxItems").asLong() + " items");
    if (node.has("maxLength")) v.add("at most " + node.get("maxLength").asLong() + " characters");
    String listType = node.path("x-kubernetes-list-type").asText("");
    if (listType.equals("set")) {
      v.add("no duplicate items");
    } else if (listType.equals("map")) {
      List<String> keys = new ArrayList<>();
      node.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
      v.add("items unique by " + String.join(", ", keys));
    }
    node.path("x-kubernetes-validations").forEach(r -> v.add("rule: " + r.path("message").asText()));
    JsonNode items = node.path("items");
    items.path("x-kubernetes-validations").forEach(r -> v.add("each: " + r.path("message").asText()));
    if (!node.path("required").isEmpty()) {
      List<String> req = new ArrayList<>();
      node.path("required").forEach(r -> req.add(r.asText()));
      v.add("requires " + String.join(", ", req));
    }
    if (!items.path("required").isEmpty()) {
      List<String> req = new ArrayList<>();
      items.path("required").forEach(r -> req.add(r.asText()));
      v.add("each requires " + String.join(", ", req));
    }
    out.append("| `").append(path).append("` | ").append(type).append(" | ")
        .append(node.path("description").asText("").replace("|", "\\|").replace("\n", " "))
        .append(" | ").append(String.join("; ", v)).append(" |\n");
  }

  private static void rules(JsonNode node, String path, StringBuilder out) {
    // Rules on the root object, if any, would apply to the whole resource.
    node.path("x-kubernetes-validations").forEach(r ->
        out.append("| `").append(path).append("` | | | rule: ").append(r.path("message").asText()).append(" |\n"));
  }
}
