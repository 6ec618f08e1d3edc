package dev.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testsupport.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CrdFilesTest {

  private static final Path COMMITTED = ProjectFiles.root().resolve("crds");

  @Test
  void committedCrdsAreExactlyWhatTheBuildGenerates() throws IOException {
    List<String> generated;
    try (Stream<Path> s = Files.list(ProjectFiles.generatedCrds())) {
      generated = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-v1.yml")).sorted().toList();
    }
    List<String> committed;
    try (Stream<Path> s = Files.list(COMMITTED)) {
      committed = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-v1.yml")).sorted().toList();
    }
    assertEquals(generated, committed, "crds/ holds exactly the generated CRDs");
    List<String> stale = new ArrayList<>();
    for (String name : generated) {
      if (!Files.readString(ProjectFiles.generatedCrds().resolve(name))
          .equals(Files.readString(COMMITTED.resolve(name)))) {
        stale.add(name);
      }
    }
    assertEquals(List.of(), stale,
        "crds/ is stale: run 'mvn -Pupdate-crds process-classes' and commit crds/");
  }

  @Test
  void reportCrdHasTheContractsShortNameColumnsAndStatusSubresource() throws IOException {
    JsonNode crd = ManifestFiles.readTree(COMMITTED.resolve("imagereports.vigil.dev-v1.yml"));
    assertEquals("Namespaced", crd.at("/spec/scope").asText());
    assertEquals("imgrep", crd.at("/spec/names/shortNames/0").asText());
    JsonNode version = crd.at("/spec/versions/0");
    assertTrue(version.at("/subresources/status").isObject());
    List<String> columns = new ArrayList<>();
    version.path("additionalPrinterColumns").forEach(c -> columns.add(c.path("name").asText()));
    assertEquals(
        List.of("Age", "Compliant", "Critical", "Digest", "High", "Image", "Signed", "Update"),
        columns.stream().sorted().toList());
  }

  @Test
  void policyAndScheduleCrdsHaveShortNamesAndStatus() throws IOException {
    JsonNode policy = ManifestFiles.readTree(COMMITTED.resolve("imagepolicies.vigil.dev-v1.yml"));
    JsonNode schedule = ManifestFiles.readTree(COMMITTED.resolve("scanschedules.vigil.dev-v1.yml"));
    assertEquals("ipol", policy.at("/spec/names/shortNames/0").asText());
    assertEquals("ssched", schedule.at("/spec/names/shortNames/0").asText());
    assertTrue(policy.at("/spec/versions/0/subresources/status").isObject());
    assertTrue(schedule.at("/spec/versions/0/subresources/status").isObject());
    JsonNode failOn = policy.at(
        "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/vulnerabilities/properties/failOn");
    assertEquals(List.of("Critical", "High", "Low", "Medium", "None"),
        sortedText(failOn.path("enum")));
    assertEquals("High", failOn.path("default").asText());
  }

  private static List<String> sortedText(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out.stream().sorted().toList();
  }
}
