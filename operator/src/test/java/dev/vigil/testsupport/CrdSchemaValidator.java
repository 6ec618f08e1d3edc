package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates objects against a generated CRD the way the API server would, because the mock
 * server enforces nothing: defaults from the schema, the OpenAPI v3 schema itself (with a real
 * JSON Schema validator), unknown fields (as kubectl's strict validation rejects them) and the
 * x-kubernetes-validations CEL rules (with the CEL reference implementation).
 */
public final class CrdSchemaValidator {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CelCompiler CEL_COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private static final CelRuntime CEL_RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final String group;
  private final String kind;
  private final String version;
  private final JsonNode openApiSchema;
  private final JsonSchema jsonSchema;

  private CrdSchemaValidator(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    group = spec.path("group").asText();
    kind = spec.path("names").path("kind").asText();
    JsonNode v = spec.path("versions").get(0);
    version = v.path("name").asText();
    openApiSchema = v.path("schema").path("openAPIV3Schema");
    jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApiSchema);
  }

  public static CrdSchemaValidator load(Path crdFile) throws IOException {
    return new CrdSchemaValidator(YAML.readTree(crdFile.toFile()));
  }

  public static JsonNode readYaml(Path file) throws IOException {
    return YAML.readTree(file.toFile());
  }

  public String kind() {
    return kind;
  }

  /** All problems with the object; empty when the API server would accept it. */
  public List<String> validate(JsonNode object) {
    List<String> problems = new ArrayList<>();
    if (!(group + "/" + version).equals(object.path("apiVersion").asText())) {
      problems.add("apiVersion: expected " + group + "/" + version);
    }
    if (!kind.equals(object.path("kind").asText())) {
      problems.add("kind: expected " + kind);
    }
    ObjectNode body = object.deepCopy();
    body.remove("metadata");
    body.remove("apiVersion");
    body.remove("kind");
    applyDefaults(openApiSchema, body);
    for (ValidationMessage m : jsonSchema.validate(body)) {
      problems.add("schema: " + m.getMessage());
    }
    unknownFields(openApiSchema, body, "", problems);
    celRules(openApiSchema, body, "", problems);
    return problems;
  }

  private static void applyDefaults(JsonNode schema, JsonNode data) {
    if (data instanceof ObjectNode obj && schema.has("properties")) {
      Iterator<Map.Entry<String, JsonNode>> props = schema.get("properties").fields();
      while (props.hasNext()) {
        Map.Entry<String, JsonNode> p = props.next();
        if (!obj.has(p.getKey()) && p.getValue().has("default")) {
          obj.set(p.getKey(), p.getValue().get("default").deepCopy());
        }
        if (obj.has(p.getKey())) {
          applyDefaults(p.getValue(), obj.get(p.getKey()));
        }
      }
    } else if (data.isArray() && schema.has("items")) {
      data.forEach(item -> applyDefaults(schema.get("items"), item));
    } else if (data instanceof ObjectNode obj && schema.path("additionalProperties").isObject()) {
      obj.forEach(v -> applyDefaults(schema.get("additionalProperties"), v));
    }
  }

  private static void unknownFields(JsonNode schema, JsonNode data, String path, List<String> problems) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (data.isObject() && schema.has("properties")) {
      Iterator<String> names = data.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        JsonNode sub = schema.get("properties").get(name);
        if (sub == null) {
          problems.add(path + "." + name + ": unknown field");
        } else {
          unknownFields(sub, data.get(name), path + "." + name, problems);
        }
      }
    } else if (data.isArray() && schema.has("items")) {
      for (int i = 0; i < data.size(); i++) {
        unknownFields(schema.get("items"), data.get(i), path + "[" + i + "]", problems);
      }
    } else if (data.isObject() && schema.path("additionalProperties").isObject()) {
      data.fields().forEachRemaining(e ->
          unknownFields(schema.get("additionalProperties"), e.getValue(), path + "." + e.getKey(), problems));
    }
  }

  private static void celRules(JsonNode schema, JsonNode data, String path, List<String> problems) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      try {
        CelRuntime.Program program =
            CEL_RUNTIME.createProgram(CEL_COMPILER.compile(expression).getAst());
        Object result = program.eval(Map.of("self", toCel(data)));
        if (!Boolean.TRUE.equals(result)) {
          problems.add((path.isEmpty() ? "." : path) + ": " + rule.path("message").asText(expression));
        }
      } catch (Exception e) {
        problems.add((path.isEmpty() ? "." : path) + ": rule '" + expression + "' failed: " + e.getMessage());
      }
    }
    if (data.isObject() && schema.has("properties")) {
      schema.get("properties").fields().forEachRemaining(p -> {
        if (data.has(p.getKey())) {
          celRules(p.getValue(), data.get(p.getKey()), path + "." + p.getKey(), problems);
        }
      });
    } else if (data.isArray() && schema.has("items")) {
      for (int i = 0; i < data.size(); i++) {
        celRules(schema.get("items"), data.get(i), path + "[" + i + "]", problems);
      }
    } else if (data.isObject() && schema.path("additionalProperties").isObject()) {
      data.fields().forEachRemaining(e ->
          celRules(schema.get("additionalProperties"), e.getValue(), path + "." + e.getKey(), problems));
    }
  }

  /** JSON to the value types CEL's runtime expects (int64 as Long, maps, lists). */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isNull()) {
      return dev.cel.common.values.NullValue.NULL_VALUE;
    }
    return node.asText();
  }

  public static JsonNode toJson(Object value) {
    return JSON.valueToTree(value);
  }
}
