package dev.vigil.inventory.app;

import static dev.vigil.inventory.app.ManifestFixtures.assertCase;
import static dev.vigil.inventory.app.ManifestFixtures.bytes;
import static dev.vigil.inventory.app.ManifestFixtures.dir;
import static dev.vigil.inventory.app.ManifestFixtures.expectedJson;
import static dev.vigil.inventory.app.ManifestFixtures.nameVersions;
import static dev.vigil.inventory.app.ManifestFixtures.offer;
import static dev.vigil.inventory.app.ManifestFixtures.offerTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.inventory.ApplicationPackage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NpmPackageReaderTest {

  private final NpmPackageReader reader = new NpmPackageReader();

  /** Where single-file fixtures are offered: a package root in an application's node_modules. */
  private static final String AS_PACKAGE = "usr/src/app/node_modules/fixture/package.json";

  @Test
  void installedTreeGivesOnePackagePerPackageRootWithNestedCopiesPerPathAndNoLockFileEntries()
      throws Exception {
    JsonNode image = expectedJson("node/trivy-node_modules").get("cases").get(1);
    assertEquals("happy/node_modules", image.get("input").asText());

    PackageEvidence found = offerTree(reader, dir("node/trivy-node_modules/happy"), "usr/src/app/");

    List<String> expected = new ArrayList<>();
    image.get("expected").forEach(e -> expected.add(
        e.get("name").asText() + " " + e.get("version").asText() + " /usr/src/app/"
            + e.get("path").asText()));
    List<String> actual =
        found.packages().stream().map(p -> p.name() + " " + p.version() + " " + p.path()).toList();
    // the lock file also lists ansi-colors and array-flatten, which are not installed
    assertEquals(new TreeSet<>(expected), new TreeSet<>(actual));
    assertEquals(expected.size(), actual.size());
    assertEquals(List.of(), found.problems());
    assertFalse(reader.wants("usr/src/app/package-lock.json", 0644, 10));
  }

  @Test
  void scalibrManifestCasesGiveTheExpectedPackagesAndProblemsForTemplates() throws Exception {
    for (JsonNode c : expectedJson("node/scalibr-packagejson").get("cases")) {
      String input = c.get("input").asText();
      PackageEvidence evidence = offer(reader, AS_PACKAGE, bytes("node/scalibr-packagejson/" + input));
      assertCase(c, evidence, "npm");
      if (!c.has("expect_error")) {
        // empty name or version, VS Code and Unity manifests are skipped without a problem
        assertEquals(List.of(), evidence.problems(), input);
      }
    }
  }

  @Test
  void trivyManifestCasesGiveTheExpectedPackagesAndDropThoseWithoutNameOrVersion()
      throws Exception {
    for (JsonNode c : expectedJson("node/trivy-packagejson").get("cases")) {
      String input = c.get("input").asText();
      PackageEvidence evidence = offer(reader, AS_PACKAGE, bytes("node/trivy-packagejson/" + input));
      if (c.has("expected")) {
        // Trivy's parser keeps them and its analyzer drops them; a reader is both
        List<JsonNode> kept = new ArrayList<>();
        c.get("expected").forEach(e -> {
          if (!e.get("name").asText().isEmpty() && !e.get("version").asText().isEmpty()) {
            kept.add(e);
          }
        });
        assertEquals(
            nameVersions(new ObjectMapper().valueToTree(kept)),
            nameVersions(evidence.packages()),
            input);
        assertEquals(List.of(), evidence.problems(), input);
      } else {
        assertCase(c, evidence, "npm");
      }
    }
    PackageEvidence badName =
        offer(reader, AS_PACKAGE, bytes("node/trivy-packagejson/invalid_name.json"));
    assertTrue(badName.problems().get(0).contains("@invalid/packageName/"), badName.problems().get(0));
    assertTrue(badName.problems().get(0).startsWith("/" + AS_PACKAGE + ": "));
  }

  @Test
  void onlyPackageRootsBelowTheLastNodeModulesAreWantedNotSubPathHelperManifests() {
    JsonNode vectors =
        expectedJson("node/trivy-packagejson").get("package_root_vectors").get("cases");
    // Trivy also reads package.json outside node_modules (the application's own manifest);
    // Vigil does not: a project name is not a published package.
    Map<String, Boolean> vigilDiffers = Map.of("package.json", false, "packages/foo/package.json", false);
    for (Iterator<Map.Entry<String, JsonNode>> it = vectors.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> v = it.next();
      boolean expected = vigilDiffers.getOrDefault(v.getKey(), v.getValue().asBoolean());
      assertEquals(expected, reader.wants(v.getKey(), 0644, 100), v.getKey());
      assertEquals(expected, reader.wants("usr/src/app/" + v.getKey(), 0644, 100), v.getKey());
    }
    // global installs, and npm's own bundled dependencies in the Node.js image
    assertTrue(reader.wants("usr/lib/node_modules/npm/package.json", 0644, 100));
    assertTrue(reader.wants("usr/local/lib/node_modules/npm/node_modules/semver/package.json", 0644, 100));
    assertTrue(reader.wants("usr/local/lib/node_modules/@angular/cli/package.json", 0644, 100));
    // npm's own folders and a scope without a package
    assertFalse(reader.wants("app/node_modules/.bin/package.json", 0644, 100));
    assertFalse(reader.wants("app/node_modules/@scope/package.json", 0644, 100));
    assertFalse(reader.wants("app/node_modules/.package-lock.json", 0644, 100));
  }

  @Test
  void packageNamesAreCheckedAsNpmChecksThem() {
    Iterator<Map.Entry<String, JsonNode>> it =
        expectedJson("node/trivy-packagejson").get("valid_name_vectors").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> v = it.next();
      if (v.getKey().isEmpty()) {
        continue; // Trivy lets "" pass and drops it later; here a missing name is no package
      }
      assertEquals(v.getValue().asBoolean(), NpmPackageReader.isValidName(v.getKey()), v.getKey());
    }
    // legacy names with capitals are real packages (JSONStream, Base64)
    assertTrue(NpmPackageReader.isValidName("JSONStream"));
    assertFalse(NpmPackageReader.isValidName("@/x"));
    assertFalse(NpmPackageReader.isValidName("@a/b/c"));
  }

  @Test
  void applicationManifestOutsideNodeModulesIsNotWantedButItsContentReadsAsAPackage()
      throws Exception {
    JsonNode c = expectedJson("node/syft-image").get("cases").get(0);
    String input = c.get("input").asText();
    assertFalse(reader.wants(input, 0644, 100), "syft reports it; Vigil does not");
    assertCase(c, offer(reader, AS_PACKAGE, bytes("node/syft-image/" + input)), "npm");
  }

  @Test
  void brokenAndOversizedManifestsGiveProblemsNeverExceptions() throws Exception {
    for (String broken : List.of("", "[1,2]", "{\"name\":\"a\",\"version\":\"1\"} {}", "{\"name\":", "\u0000\u0001")) {
      PackageEvidence evidence = offer(reader, AS_PACKAGE, broken.getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(), evidence.packages(), broken);
      assertEquals(1, evidence.problems().size(), broken);
    }
    long huge = NpmPackageReader.MAX_BYTES + 1;
    PackageEvidence over =
        reader.read(AS_PACKAGE, new ManifestFixtures.WalkerStream(new byte[0]), huge);
    assertEquals(List.of(), over.packages());
    assertTrue(over.problems().get(0).contains("above the 4 MiB"), over.problems().get(0));
    // non-string name or version: not a package manifest
    assertEquals(PackageEvidence.NONE, offer(reader, AS_PACKAGE,
        "{\"name\":\"a\",\"version\":1}".getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A real tree from npm itself: the sigstore-js interop folder after .ci/run's {@code npm ci}. Its
   * packages ship helper manifests below their roots (dist/esm/package.json), which must not
   * count. The reference is {@code npm ls --all --parseable --long}.
   */
  @Test
  void realNpmCiTreeMatchesNpmLs() throws Exception {
    Path project = Path.of("src/test/interop/sigstore-js").toAbsolutePath();
    assumeTrue(Files.isDirectory(project.resolve("node_modules"))
            && ManifestFixtures.runs(List.of("npm", "--version")),
        "npm or the sigstore-js node_modules is missing; .ci/run's npm ci brings it");
    assertMatchesNpmLs(project);
  }

  /** npm's own install: the global node_modules of this machine's Node.js, with npm's bundled tree. */
  @Test
  void globalNpmInstallMatchesNpmLs() throws Exception {
    Path npm = Path.of("/usr/lib/node_modules/npm");
    assumeTrue(Files.isDirectory(npm.resolve("node_modules"))
            && ManifestFixtures.runs(List.of("npm", "--version")),
        "no global npm install in /usr/lib/node_modules");
    assertMatchesNpmLs(npm);
  }

  private void assertMatchesNpmLs(Path project) throws Exception {
    // npm ls exits 1 when devDependencies are missing (a global npm has none); its list stands
    String listing = ManifestFixtures.run(
        project, List.of("npm", "ls", "--all", "--parseable", "--long"), true);
    TreeMap<String, String> npmSays = new TreeMap<>();
    for (String line : listing.split("\n")) {
      String[] fields = line.split(":");
      Path location = Path.of(fields[0]);
      if (fields.length < 2 || !location.startsWith(project.resolve("node_modules"))
          || !Files.isRegularFile(location.resolve("package.json"))) {
        continue; // the project itself, and missing packages
      }
      npmSays.put(project.relativize(location) + "/package.json", fields[1]);
    }
    assertTrue(npmSays.size() > 20, "npm ls listed " + npmSays.size() + " packages");

    String prefix = "usr/src/app/";
    PackageEvidence found = offerTree(reader, project.resolve("node_modules"), prefix + "node_modules/");
    TreeMap<String, String> ours = new TreeMap<>();
    for (ApplicationPackage p : found.packages()) {
      String relative = p.path().substring(1 + prefix.length());
      String previous = ours.put(relative, p.name() + "@" + p.version());
      assertEquals(null, previous, "one package per path: " + relative);
    }
    assertEquals(npmSays, ours);
    assertEquals(List.of(), found.problems());

    long manifests;
    try (var walk = Files.walk(project.resolve("node_modules"))) {
      manifests = walk.filter(f -> f.getFileName().toString().equals("package.json")).count();
    }
    System.out.printf("%s: %d package.json files, %d packages%n", project, manifests, ours.size());

    // npm's hidden lock file lists exactly the same install locations: reading it as well would
    // report every package twice.
    Path hidden = project.resolve("node_modules/.package-lock.json");
    if (Files.isRegularFile(hidden)) {
      assertFalse(reader.wants(prefix + "node_modules/.package-lock.json", 0644, Files.size(hidden)));
      JsonNode lock = new ObjectMapper().readTree(new ByteArrayInputStream(Files.readAllBytes(hidden)));
      TreeSet<String> lockPaths = new TreeSet<>();
      lock.get("packages").fields().forEachRemaining(e -> {
        if (!e.getValue().path("link").asBoolean(false)
            && Files.isDirectory(project.resolve(e.getKey()))) {
          lockPaths.add(e.getKey() + "/package.json");
        }
      });
      assertEquals(ours.keySet(), lockPaths);
    }
  }
}
