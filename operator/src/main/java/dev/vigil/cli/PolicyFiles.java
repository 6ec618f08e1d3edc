package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.vigil.api.ImagePolicy;
import dev.vigil.policy.ImagePolicyValidator;
import dev.vigil.policy.ReferenceLookup;
import dev.vigil.scan.NamedPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Reads ImagePolicy manifests given on the command line and checks them like the operator. */
final class PolicyFiles {

  /** Created on first use: a scan without --policy never pays for the YAML mapper. */
  private static final class Yaml {
    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
  }

  /** Outside a cluster no Secret or ConfigMap can be read. */
  static final ReferenceLookup NO_CLUSTER = (kind, name, key) ->
      "cannot read a " + kind + " outside a cluster; put the key inline (key.data) for the CLI";

  private PolicyFiles() {}

  static List<NamedPolicy> load(List<Path> files, CommandLine cli) {
    List<NamedPolicy> policies = new ArrayList<>();
    for (Path file : files) {
      List<JsonNode> docs = new ArrayList<>();
      try (YAMLParser parser = new YAMLFactory().createParser(Files.readAllBytes(file))) {
        Yaml.MAPPER.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
      } catch (IOException | RuntimeException e) {
        throw new ParameterException(cli, "--policy " + file + ": cannot read: " + e.getMessage());
      }
      for (JsonNode doc : docs) {
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        if (!"ImagePolicy".equals(doc.path("kind").asText())) {
          throw new ParameterException(cli, "--policy " + file + ": expected kind ImagePolicy, found '"
              + doc.path("kind").asText() + "'");
        }
        ImagePolicy policy;
        try {
          policy = Yaml.MAPPER.treeToValue(doc, ImagePolicy.class);
        } catch (IOException | IllegalArgumentException e) {
          throw new ParameterException(cli, "--policy " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> problems = ImagePolicyValidator.validate(policy.getSpec(), NO_CLUSTER);
        if (!problems.isEmpty()) {
          throw new ParameterException(cli, "--policy " + file + ": " + String.join("; ", problems));
        }
        String name = policy.getMetadata() == null || policy.getMetadata().getName() == null
            ? file.getFileName().toString() : policy.getMetadata().getName();
        policies.add(new NamedPolicy(name, policy.getSpec()));
      }
    }
    return policies;
  }
}
