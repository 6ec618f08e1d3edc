package dev.vigil.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.cli.VigilCommand;
import dev.vigil.sbom.CycloneDxSbom;
import dev.vigil.testsupport.ApplicationDependencyImage;
import dev.vigil.testsupport.ApplicationDependencyImage.Finding;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue #11 "Done when", through the CLI with the standard readers: an image built from real
 * artifacts (see {@link ApplicationDependencyImage}), pushed to the local registry and matched
 * against real OSV records, yields exactly the expected advisories (plain, nested and shaded
 * Maven, npm, PyPI, Go) and none for the fixed versions or the OS-owned copies; the CycloneDX
 * SBOM validates and lists the language packages with their purls.
 */
class ApplicationDependenciesEndToEndTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static LocalRegistry registry;
  static PushedImage image;

  @BeforeAll
  static void pushImage() {
    registry = LocalRegistry.start();
    image = ApplicationDependencyImage.push(registry, "team/polyglot");
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  record Run(int code, String out, String err) {}

  static Run scan(String... args) {
    CommandLine cli = VigilCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(
        List.of("scan", "--quiet", "--vulndb", ApplicationDependencyImage.OSV.toString()));
    all.addAll(List.of(args));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  static List<Finding> findings(JsonNode vulnerabilities) {
    List<Finding> found = new ArrayList<>();
    for (JsonNode v : vulnerabilities) {
      found.add(new Finding(v.path("id").asText(), v.path("ecosystem").asText(), v.path("package").asText(),
          v.path("installedVersion").asText(), v.path("path").asText()));
    }
    found.sort(Comparator.comparing(Finding::toString));
    return found;
  }

  static List<Finding> sorted(List<Finding> findings) {
    return findings.stream().sorted(Comparator.comparing(Finding::toString)).toList();
  }

  @Test
  void exactlyTheVulnerableLanguagePackagesAreReportedNotFixedVersionsNorOsOwnedCopies() throws Exception {
    Run run = scan("-o", "json", image.reference().toString());
    assertEquals(0, run.code(), run.err());
    JsonNode status = JSON.readTree(run.out());
    assertEquals(sorted(ApplicationDependencyImage.EXPECTED), findings(status.path("vulnerabilities")),
        status.path("vulnerabilities").toPrettyString());

    JsonNode log4shell = find(status.path("vulnerabilities"), "/app/lib/log4j-core-2.14.1.jar");
    assertEquals("[\"GHSA-jfh8-c2jp-5v3q\"]", log4shell.path("aliases").toString());
    assertEquals("2.15.0", log4shell.path("fixedVersion").asText());
    assertEquals("Critical", log4shell.path("severity").asText());
    assertEquals(image.layerDigests().get(1), log4shell.path("layer").asText());
    JsonNode lodash = find(status.path("vulnerabilities"), "/app/node_modules/lodash/package.json");
    assertEquals(image.layerDigests().get(2), lodash.path("layer").asText());
    assertEquals("4.17.21", lodash.path("fixedVersion").asText());

    int counted = status.at("/summary/critical").asInt() + status.at("/summary/high").asInt()
        + status.at("/summary/medium").asInt() + status.at("/summary/low").asInt()
        + status.at("/summary/unknown").asInt();
    assertEquals(ApplicationDependencyImage.EXPECTED.size(), counted, status.path("summary").toString());
    assertEquals(ApplicationDependencyImage.EXPECTED.size(), status.at("/summary/fixable").asInt());
    assertEquals("", run.err().strip(), "no reader reported a problem with these real files");
  }

  @Test
  void theCycloneDxSbomValidatesAndListsTheLanguagePackagesWithPurlsAndTheOsPackage() throws Exception {
    Run run = scan("-o", "cyclonedx", image.reference().toString());
    assertEquals(0, run.code(), run.err());
    assertEquals(List.of(), new JsonParser().validate(run.out().getBytes(StandardCharsets.UTF_8), CycloneDxSbom.VERSION));
    JsonNode bom = JSON.readTree(run.out());
    Set<String> purls = new TreeSet<>();
    bom.path("components").forEach(c -> purls.add(c.path("purl").asText()));
    for (String expected : List.of(
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10",
        "pkg:maven/com.example/orders@1.0.0",
        "pkg:maven/com.example/reporting@1.0",
        "pkg:maven/com.google.guava/guava@16.0.1",
        "pkg:maven/commons-io/commons-io@1.4",
        "pkg:npm/lodash@4.17.20",
        "pkg:pypi/requests@2.22.0",
        "pkg:pypi/cryptography@38.0.4",
        "pkg:pypi/urllib3@2.7.0",
        "pkg:golang/stdlib@1.15.2")) {
      assertTrue(purls.stream().anyMatch(p -> p.equals(expected) || p.startsWith(expected + "?")),
          expected + " not in " + purls);
    }
    assertTrue(purls.stream().anyMatch(p -> p.startsWith("pkg:deb/") && p.contains("/python3-cryptography@")), purls.toString());
    long pypiCryptography = purls.stream().filter(p -> p.startsWith("pkg:pypi/cryptography@")).count();
    assertEquals(1, pypiCryptography, "one purl; the OS-owned copies are the deb package, not PyPI components");
    List<String> cryptographyPaths = new ArrayList<>();
    bom.path("components").forEach(c -> {
      if (c.path("purl").asText().startsWith("pkg:pypi/cryptography@")) {
        cryptographyPaths.add(c.toString());
      }
    });
    assertEquals(1, cryptographyPaths.size(), cryptographyPaths.toString());
    Set<String> ids = new TreeSet<>();
    bom.path("vulnerabilities").forEach(v -> ids.add(v.path("id").asText()));
    Set<String> expectedIds = new TreeSet<>();
    ApplicationDependencyImage.EXPECTED.forEach(f -> expectedIds.add(f.id()));
    assertEquals(expectedIds, ids);
  }

  static JsonNode find(JsonNode vulnerabilities, String path) {
    for (JsonNode v : vulnerabilities) {
      if (v.path("path").asText().equals(path)) {
        return v;
      }
    }
    throw new AssertionError("no vulnerability at " + path + " in " + vulnerabilities.toPrettyString());
  }
}
