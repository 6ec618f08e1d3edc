package dev.vigil.inventory.app.java;

import static dev.vigil.inventory.app.java.JarFixtures.coordinates;
import static dev.vigil.inventory.app.java.JarFixtures.entries;
import static dev.vigil.inventory.app.java.JarFixtures.entriesOf;
import static dev.vigil.inventory.app.java.JarFixtures.located;
import static dev.vigil.inventory.app.java.JarFixtures.read;
import static dev.vigil.inventory.app.java.JarFixtures.resource;
import static dev.vigil.inventory.app.java.JarFixtures.resourceDir;
import static dev.vigil.inventory.app.java.JarFixtures.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.inventory.app.JarFileName;
import dev.vigil.inventory.app.JavaArchiveReader;
import dev.vigil.inventory.app.JavaManifest;
import dev.vigil.inventory.app.PackageEvidence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java fixtures of osv-scalibr, Trivy and syft (resources/appdeps/java, see ORIGIN.md) with
 * the package lists their own tests assert. Cases that depend on a guess Vigil does not make (a
 * groupId from a file name or an OSGi symbolic name, an online SHA-1 lookup) are pinned to
 * Vigil's documented answer in their own tests below.
 */
class JavaArchiveReaderFixturesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Options under which an upstream expectation is a guess Vigil does not make. */
  private static final Set<String> GUESSING_OPTIONS =
      Set.of("extract_from_filename", "online_only", "offline", "wrap_as_jar", "max_opened_bytes");

  static Stream<Arguments> plainCases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (String folder : List.of("scalibr-archive", "trivy-jar", "syft-uberjar")) {
      JsonNode doc = JSON.readTree(resource(folder + "/expected.json"));
      for (JsonNode c : doc.get("cases")) {
        boolean guessing = false;
        for (String option : GUESSING_OPTIONS) {
          guessing |= c.has(option);
        }
        if (!guessing) {
          cases.add(Arguments.of(folder + "/" + c.get("input").asText(), c));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plainCases")
  void upstreamExpectationsHold(String input, JsonNode c) {
    PackageEvidence found = read("app/" + input.substring(input.indexOf('/') + 1),
        resource(input));
    TreeSet<String> expected = new TreeSet<>();
    for (JsonNode p : c.get("expected")) {
      expected.add(p.get("name").asText() + "@" + p.get("version").asText());
    }
    assertEquals(expected, coordinates(found), input);
    if (c.path("expect_error").asBoolean(false)) {
      assertFalse(found.problems().isEmpty(), input + " must give a problem");
    }
    for (JsonNode p : c.get("expected")) {
      if (p.has("path")) {
        String path = "/app/" + p.get("path").asText().replace(".jar/", ".jar!/")
            .replace(".war/", ".war!/");
        assertTrue(located(found).contains(
                p.get("name").asText() + "@" + p.get("version").asText() + " " + path),
            input + ": " + p + " not at " + path + " in " + located(found));
      }
    }
  }

  @Test
  void shadedJarReportsEveryEmbeddedPomPropertiesAtTheOuterJar() {
    PackageEvidence found = read("opt/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar",
        resource("trivy-jar/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar"));
    assertEquals(5, found.packages().size());
    assertTrue(found.packages().stream()
        .allMatch(p -> p.path().equals("/opt/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar")
            && p.ecosystem().equals("Maven") && p.layerDigest() == null));
    assertEquals(List.of(), found.problems());
  }

  @Test
  void duplicatePomPropertiesCollapseAndNestedCopiesKeepTheirOwnPaths() {
    PackageEvidence found = read("app/io.quarkus.gizmo.gizmo-1.1.jar",
        resource("trivy-jar/io.quarkus.gizmo.gizmo-1.1.jar"));
    assertEquals(new TreeSet<>(List.of(
            "com.fasterxml.jackson.core:jackson-databind@2.12.3 /app/io.quarkus.gizmo.gizmo-1.1.jar",
            "com.fasterxml.jackson.core:jackson-databind@2.13.4 /app/io.quarkus.gizmo.gizmo-1.1.jar",
            "io.quarkus.gizmo:gizmo@1.1 /app/io.quarkus.gizmo.gizmo-1.1.jar",
            "log4j:log4j@1.2.16 /app/io.quarkus.gizmo.gizmo-1.1.jar!/jars/log4j-1.2.16.jar",
            "log4j:log4j@1.2.17 /app/io.quarkus.gizmo.gizmo-1.1.jar!/jars/log4j-1.2.17.jar")),
        located(found));
  }

  @Test
  void jenkinsPluginHoldingItsOwnJarIsReportedOncePerPath() {
    PackageEvidence found = read("var/jenkins/plugins/example-jenkins-plugin.hpi",
        resource("syft-uberjar/example-jenkins-plugin.hpi"));
    assertEquals(Set.of("io.jenkins.plugins:example-jenkins-plugin@1.0-SNAPSHOT"),
        coordinates(found));
    // syft reports it once; Vigil keeps one finding per path (issue #11: one component per
    // package and path), so the copy under WEB-INF/lib is a second, explainable finding.
    assertTrue(found.packages().stream().map(p -> p.path()).allMatch(p -> p.startsWith(
        "/var/jenkins/plugins/example-jenkins-plugin.hpi")));
  }

  @Test
  void byteCapMidArchiveGivesThePartialResultAndAProblem() {
    PackageEvidence found = read(new JavaArchiveReader(16, 700, 1000), "app/complex.jar",
        resource("scalibr-archive/complex.jar"));
    assertEquals(Set.of("com.some.package:package-name@1.2.3"), coordinates(found));
    assertEquals(1, found.problems().size(), found.problems().toString());
    assertTrue(found.problems().get(0).startsWith("/app/complex.jar: more than 700 bytes"),
        found.problems().toString());
  }

  @Test
  void nestingPastTheDepthCapIsAProblemNotACrash() {
    PackageEvidence found = read("app/nested_at_100.jar",
        resource("scalibr-archive/nested_at_100.jar"));
    assertEquals(Set.of(), coordinates(found));
    assertTrue(found.problems().stream().anyMatch(p -> p.contains("nested more than 16 deep")),
        found.problems().toString());
  }

  @Test
  void fileNameNeverInventsAGroupId() {
    for (String name : List.of("no_pom_properties-2.4.0.jar", "pom_missing_group_id-2.4.0.jar",
        "org.eclipse.sisu.inject-0.3.5.jar")) {
      PackageEvidence found = read("app/" + name, resource("scalibr-archive/" + name));
      JarFileName file = JarFileName.parse(name);
      assertEquals(Set.of(), coordinates(found), name);
      assertEquals(List.of("/app/" + name + ": no Maven coordinates (no pom.properties, no"
              + " META-INF/maven pom.xml, no groupId in MANIFEST.MF); not matched against"
              + " advisories (the file name suggests " + file.artifactId() + " "
              + file.version() + ")"), found.problems(), name);
    }
  }

  @Test
  void manifestOnlyJarsWithoutAStatedGroupIdAreNotMatched() {
    // Trivy offline: org.springframework:"Spring Framework"; online: a SHA-1 lookup. Neither is
    // a coordinate an advisory uses offline, so no package and a problem (NOTES.md, trap 3).
    assertEquals(Set.of(), coordinates(read("app/test.jar", resource("trivy-jar/test.jar"))));
    PackageEvidence heuristic = read("app/heuristic-1.0.0-SNAPSHOT.jar",
        resource("trivy-jar/heuristic-1.0.0-SNAPSHOT.jar"));
    assertEquals(Set.of(), coordinates(heuristic));
    assertTrue(heuristic.problems().get(0).endsWith("(the file name suggests heuristic"
        + " 1.0.0-SNAPSHOT)"), heuristic.problems().toString());
  }

  @Test
  void manifestImplementationVendorIdAndTitleIdentifyAJenkinsLicenceJar() {
    assertEquals(Set.of("com.example:jenkins-plugin@1.0.0"), coordinates(read(
        "app/license-from-jenkins-plugin.jar",
        resource("trivy-jar/license-from-jenkins-plugin.jar"))));
  }

  /** scalibr's MANIFEST cases, wrapped into a jar under the name its test gives. */
  @Test
  void scalibrManifestCasesFollowVigilsRules() {
    Map<String, String> expected = new LinkedHashMap<>();
    // Implementation-Title spring-web confirmed by Automatic-Module-Name spring.web.
    expected.put("known-group-id|spring-web-5.3.26.jar", "org.springframework:spring-web@5.3.26");
    // scalibr: com.google.guava.failureaccess:failureaccess from Bundle-SymbolicName, a guess.
    expected.put("manifest-symbolicname|failureaccess-1.0.1.jar", "");
    // scalibr: test.group:correct.name from Extension-Name and Bundle-Name, a guess.
    expected.put("invalid-ids|x.jar", "");
    // Implementation-Vendor-Id is "org.apache" where Maven Central says org.apache.ivy: an Ant
    // build put its organisation there. Documented false negative (scalibr: org.apache.ivy).
    expected.put("combine-manifest-filename|ivy-2.4.0.jar", "org.apache:ivy@2.4.0");
    // Vendor-Id with a file name whose version agrees with Implementation-Version.
    expected.put("combine-manifest-filename|no_pom_properties-2.4.0.jar",
        "org.apache:no_pom_properties@2.4.0");
    expected.put("manifest-no-group-id|no_pom_properties-2.4.0.jar", "");
    // "org.elasticsearch#server;8.14.3" is no groupId (scalibr takes its first domain).
    expected.put("manifest-implementation-title|no_pom_properties-2.4.0.jar", "");
    // Attributes only in a per-entry section describe a package, not the jar (as Trivy).
    expected.put("axis|axis.jar", "");
    for (Map.Entry<String, String> c : expected.entrySet()) {
      String[] dirAndName = c.getKey().split("\\|");
      byte[] jar = zip(entries("META-INF/MANIFEST.MF",
          resource("scalibr-archive/manifests/" + dirAndName[0] + "/MANIFEST.MF")), false);
      PackageEvidence found = read("app/" + dirAndName[1], jar);
      assertEquals(c.getValue().isEmpty() ? Set.of() : Set.of(c.getValue()), coordinates(found),
          c.getKey());
      assertEquals(c.getValue().isEmpty() ? 1 : 0, found.problems().size(),
          c.getKey() + " " + found.problems());
    }
  }

  @Test
  void trivyManifestVectorsReadOnlyTheMainSection() throws IOException {
    JsonNode doc = JSON.readTree(resource("trivy-jar/expected.json"));
    Map<String, String> vigil = Map.of(
        // Implementation-Title "Apache Commons Lang" is a display name; the file name carries
        // the artifactId and agrees with Implementation-Version.
        "commons-lang3-3.17.0.jar", "org.apache.commons:commons-lang3@3.17.0",
        "xercesImpl-2.12.2.jar", "xerces:xercesImpl@2.12.2",
        "app.jar", "");
    int checked = 0;
    for (JsonNode c : doc.get("manifest_properties_vectors").get("cases")) {
      String file = c.get("file").asText().isEmpty() ? "app.jar" : c.get("file").asText();
      byte[] jar = zip(entries("META-INF/MANIFEST.MF", c.get("manifest").asText()), false);
      String expected = vigil.get(file);
      JsonNode upstream = c.get("expected");
      if (!upstream.isNull() && !upstream.get("artifactId").asText().contains(" ")) {
        expected = upstream.get("groupId").asText() + ":" + upstream.get("artifactId").asText()
            + "@" + upstream.get("version").asText();
      }
      assertEquals(expected.isEmpty() ? Set.of() : Set.of(expected),
          coordinates(read("app/" + file, jar)), c.get("manifest").asText());
      checked++;
    }
    assertEquals(5, checked);
  }

  static Stream<Arguments> syftArchiveDirectories() throws IOException {
    JsonNode doc = JSON.readTree(resource("syft-jar-metadata/expected.json"));
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode c : doc.get("cases")) {
      cases.add(Arguments.of(c.get("archive").asText(), c));
    }
    return cases.stream();
  }

  /** syft zips these directories into jars before its test; so does this one. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("syftArchiveDirectories")
  void syftArchiveRegressions(String archive, JsonNode c) {
    byte[] jar = zip(entriesOf(resourceDir("syft-jar-metadata/" + c.get("dir").asText())), false);
    PackageEvidence found = read("app/" + archive, jar);
    if (c.has("expected") && !c.get("expected").isNull()) {
      TreeSet<String> expected = new TreeSet<>();
      for (JsonNode p : c.get("expected")) {
        expected.add(p.get("name").asText() + "@" + p.get("version").asText());
      }
      assertEquals(expected, coordinates(found), archive);
    } else if (c.has("expected_main")) {
      // syft picks one "main" package among several matching pom.properties; Vigil reports
      // every valid pom.properties, the main one included.
      JsonNode main = c.get("expected_main");
      assertTrue(coordinates(found).contains(
          main.get("name").asText() + "@" + main.get("version").asText()), archive);
    }
  }

  @Test
  void syftMultiplePomPropertiesAreAllReported() {
    PackageEvidence found = read("app/org.multiple-thename.jar",
        zip(entriesOf(resourceDir("syft-jar-metadata/org.multiple-thename")), false));
    assertEquals(Set.of("com.multiple:thename@10.11.12", "org.multiple:thename@10.11.12"),
        coordinates(found));
    assertEquals(List.of(), found.problems());
  }

  @Test
  void pomXmlAtANonStandardPathIsIgnoredWithoutFailing() {
    PackageEvidence found = read("app/commons-lang3-3.12.0.jar",
        zip(entriesOf(resourceDir("syft-jar-metadata/commons-lang3-3.12.0")), false));
    assertEquals(1, found.problems().size(), found.problems().toString());
  }

  @Test
  void syftManifestParsingCases() throws IOException {
    JsonNode doc = JSON.readTree(resource("syft-manifest-pom/expected.json"));
    for (JsonNode c : doc.get("manifest_cases")) {
      JavaManifest m = JavaManifest.parse(resource("syft-manifest-pom/" + c.get("input").asText()));
      if (c.get("input").asText().equals("manifest/leading-space")) {
        // syft strips every leading space of a continuation; the JAR specification (and Vigil)
        // removes exactly one, so the joined value keeps three spaces before the "$".
        assertEquals(Map.of("Key-keykeykey", "initialconfig:com   $    # aka not empty line",
            "should", "parse"), m.main());
        continue;
      }
      assertEquals(pairs(c.get("main")), m.main(), c.get("input").asText());
      List<Map<String, String>> sections = new ArrayList<>();
      for (JsonNode s : c.get("sections")) {
        sections.add(pairs(s));
      }
      assertEquals(sections, m.sections(), c.get("input").asText());
    }
  }

  @Test
  void syftPomPropertiesParsingCases() throws IOException {
    JsonNode doc = JSON.readTree(resource("syft-manifest-pom/expected.json"));
    for (JsonNode c : doc.get("pom_properties_cases")) {
      byte[] jar = zip(entries("META-INF/maven/x/y/pom.properties",
          resource("syft-manifest-pom/" + c.get("input").asText())), false);
      assertEquals(Set.of(c.get("groupId").asText() + ":" + c.get("artifactId").asText() + "@"
              + c.get("version").asText()), coordinates(read("app/x.jar", jar)),
          c.get("input").asText());
    }
  }

  @Test
  void fileNameTablesOfScalibrAndSyft() throws IOException {
    JsonNode doc = JSON.readTree(resource("filename-parsing.json"));
    for (JsonNode c : doc.get("scalibr").get("cases")) {
      JarFileName n = JarFileName.parse(c.get("path").asText());
      assertEquals(c.get("artifactId").asText() + " " + c.get("version").asText(),
          n.artifactId() + " " + n.version(), c.get("path").asText());
    }
    for (JsonNode p : doc.get("scalibr").get("no_version")) {
      assertEquals(null, JarFileName.parse(p.asText()).version(), p.asText());
    }
    for (JsonNode c : doc.get("syft").get("cases")) {
      JarFileName n = JarFileName.parse(c.get("filename").asText());
      String version = c.get("version").asText();
      assertEquals(c.get("name").asText() + " " + (version.isEmpty() ? null : version),
          n.artifactId() + " " + n.version(), c.get("filename").asText());
    }
  }

  private static Map<String, String> pairs(JsonNode list) {
    Map<String, String> m = new LinkedHashMap<>();
    for (JsonNode kv : list) {
      m.put(kv.get("key").asText(), kv.get("value").asText());
    }
    return m;
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
