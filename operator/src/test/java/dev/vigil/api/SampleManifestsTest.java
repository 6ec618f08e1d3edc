package dev.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testsupport.CrdSchemaValidator;
import dev.vigil.testsupport.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SampleManifestsTest {

  private static final Map<String, CrdSchemaValidator> BY_KIND = new HashMap<>();

  @BeforeAll
  static void loadCrds() throws IOException {
    try (Stream<Path> files = Files.list(ProjectFiles.root().resolve("crds"))) {
      for (Path crd : files.filter(p -> p.toString().endsWith("-v1.yml")).toList()) {
        CrdSchemaValidator v = CrdSchemaValidator.load(crd);
        BY_KIND.put(v.kind(), v);
      }
    }
    assertEquals(3, BY_KIND.size(), "three CRDs in crds/");
  }

  static Stream<Path> samples() throws IOException {
    try (Stream<Path> files = Files.list(ProjectFiles.root().resolve("samples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void everyRequiredSampleExists() throws IOException {
    List<String> kinds = samples().map(p -> {
      try {
        JsonNode n = CrdSchemaValidator.readYaml(p);
        return n.path("kind").asText() + "@" + n.path("metadata").path("namespace").asText();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
    assertTrue(kinds.contains("ImagePolicy@vigil-system"), "a default policy in the operator namespace");
    assertTrue(kinds.stream().filter(k -> k.startsWith("ImagePolicy@")).count() >= 2, "a team policy");
    assertTrue(kinds.stream().anyMatch(k -> k.startsWith("ScanSchedule@")), "a schedule");
    assertTrue(kinds.stream().anyMatch(k -> k.startsWith("ImageReport@")), "a report");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void sampleIsAcceptedByItsCrd(Path sample) throws IOException {
    JsonNode object = CrdSchemaValidator.readYaml(sample);
    CrdSchemaValidator validator = BY_KIND.get(object.path("kind").asText());
    assertEquals(List.of(), validator.validate(object), sample.getFileName().toString());
  }

  static Stream<Arguments> brokenSamples() {
    return Stream.of(
        Arguments.of("imagepolicy-default.yaml", "failOn"),
        Arguments.of("imagepolicy-team-keyless-rollout.yaml", "an authority needs exactly one of key or keyless"),
        Arguments.of("scanschedule-every-6h.yaml", "exactly one of schedule or interval must be set"),
        Arguments.of("imagereport-example.yaml", "critical"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenSamples")
  void brokenCopyOfSampleIsRejected(String file, String expectedProblem) throws IOException {
    Path broken = ProjectFiles.root().resolve("operator/src/test/resources/samples-broken").resolve(file);
    JsonNode object = CrdSchemaValidator.readYaml(broken);
    List<String> problems = BY_KIND.get(object.path("kind").asText()).validate(object);
    assertTrue(problems.stream().anyMatch(p -> p.contains(expectedProblem)),
        file + " should be rejected for " + expectedProblem + " but got " + problems);
  }
}
