package dev.vigil.inventory.app;

import static dev.vigil.inventory.app.ManifestFixtures.assertCase;
import static dev.vigil.inventory.app.ManifestFixtures.bytes;
import static dev.vigil.inventory.app.ManifestFixtures.expectedJson;
import static dev.vigil.inventory.app.ManifestFixtures.nameVersions;
import static dev.vigil.inventory.app.ManifestFixtures.offer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.inventory.ApplicationPackage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DotnetDepsReaderTest {

  private final DotnetDepsReader reader = new DotnetDepsReader();

  private static final String APP = "app/ExampleApp.deps.json";

  /** The library keys of a deps.json whose type is project: the image's own code. */
  private static Set<String> projects(byte[] depsJson) throws Exception {
    Set<String> names = new TreeSet<>();
    JsonNode root = new ObjectMapper().readTree(depsJson);
    root.path("libraries").fields().forEachRemaining(e -> {
      if (e.getValue().path("type").asText().equals("project")) {
        names.add(e.getKey().substring(0, e.getKey().indexOf('/')));
      }
    });
    return names;
  }

  /** The case with its expected list minus the projects, which Vigil does not report. */
  private static JsonNode withoutProjects(JsonNode c, Set<String> projects) {
    if (!c.has("expected")) {
      return c;
    }
    ObjectNode copy = c.deepCopy();
    ArrayNode kept = copy.putArray("expected");
    c.get("expected").forEach(e -> {
      if (!projects.contains(e.get("name").asText())) {
        kept.add(e);
      }
    });
    return copy;
  }

  @Test
  void trivyCasesGiveRuntimePackagesWithoutProjectsOrCompileOnlyEntries() throws Exception {
    for (JsonNode c : expectedJson("dotnet/trivy-core-deps").get("cases")) {
      String input = c.get("input").asText();
      byte[] file = bytes("dotnet/trivy-core-deps/" + input);
      PackageEvidence evidence = offer(reader, APP, file);
      JsonNode expected = c.has("expect_error") ? c : withoutProjects(c, projects(file));
      assertCase(expected, evidence, "NuGet");
      if (!c.has("expect_error")) {
        assertEquals(List.of(), evidence.problems(), input);
        evidence.packages().forEach(p -> assertEquals("/" + APP, p.path()));
      }
    }
  }

  @Test
  void selfContainedAppReportsItsRuntimePacksUnderTheirNuGetIds() throws Exception {
    PackageEvidence evidence =
        offer(reader, APP, bytes("dotnet/trivy-core-deps/self-contained.deps.json"));
    assertTrue(nameVersions(evidence.packages()).contains("Microsoft.NETCore.App.Runtime.linux-x64 8.0.0"));
    assertTrue(evidence.packages().stream().noneMatch(p -> p.name().startsWith("runtimepack.")));
  }

  @Test
  void compileOnlyAndFrameworkEntriesAreDroppedLibrariesMissingFromTheTargetKept()
      throws Exception {
    PackageEvidence evidence =
        offer(reader, APP, bytes("dotnet/trivy-core-deps/without-runtime.deps.json"));
    List<String> found = nameVersions(evidence.packages());
    // Microsoft.NETCore.App 1.1.2 has only dependencies: the shared framework provides it
    assertFalse(found.contains("Microsoft.NETCore.App 1.1.2"), found.toString());
    assertFalse(found.contains("NETStandard.Library 1.6.0"), found.toString());
    // Libuv has only native runtimeTargets; System.Collections.Immutable has no target entry
    assertTrue(found.contains("Libuv 1.9.1"), found.toString());
    assertTrue(found.contains("System.Collections.Immutable 1.3.0"), found.toString());
  }

  @Test
  void syftImageDepsJsonListsThePackagesWithRuntimeAssets() throws Exception {
    JsonNode c = expectedJson("dotnet/syft-image").get("cases").get(0);
    byte[] file = bytes("dotnet/syft-image/TestLibrary.deps.json");
    PackageEvidence evidence = offer(reader, "app/TestLibrary.deps.json", file);
    assertCase(withoutProjects(c, projects(file)), evidence, "NuGet");
    List<String> found = nameVersions(evidence.packages());
    c.get("not_expected").forEach(n -> assertFalse(found.contains(n.asText()), n.asText()));
  }

  @Test
  void scalibrCasesGiveThePackagesAndAProblemForAKeyWithoutVersion() throws Exception {
    for (JsonNode c : expectedJson("dotnet/scalibr-depsjson").get("cases")) {
      String input = c.get("input").asText();
      byte[] file = bytes("dotnet/scalibr-depsjson/" + input);
      PackageEvidence evidence = offer(reader, APP, file);
      if (c.has("expect_error")) {
        assertCase(c, evidence, "NuGet");
        continue;
      }
      assertCase(withoutProjects(c, projects(file)), evidence, "NuGet");
      if (input.equals("nopackagename")) {
        assertEquals(1, evidence.problems().size(), evidence.problems().toString());
        assertTrue(evidence.problems().get(0).contains("Microsoft.Extensions.DependencyInjection"));
      } else {
        assertEquals(List.of(), evidence.problems(), input);
      }
    }
  }

  @Test
  void onlyDepsJsonFilesAreWantedAndOversizedOnesGiveAProblem() throws Exception {
    assertTrue(reader.wants("app/MyApp.deps.json", 0644, 100));
    assertTrue(reader.wants("usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json", 0644, 100));
    assertFalse(reader.wants("app/MyApp.runtimeconfig.json", 0644, 100));
    assertFalse(reader.wants("app/.deps.json", 0644, 100));
    assertFalse(reader.wants("app/packages.lock.json", 0644, 100));
    PackageEvidence over = reader.read(APP, new ManifestFixtures.WalkerStream(new byte[0]),
        DotnetDepsReader.MAX_BYTES + 1);
    assertEquals(List.<ApplicationPackage>of(), over.packages());
    assertTrue(over.problems().get(0).contains("above the 64 MiB"), over.problems().get(0));
    PackageEvidence truncated = offer(reader, APP,
        "{\"libraries\": {\"A/1.0\": {\"type\": \"package\"".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(), truncated.packages());
    assertTrue(truncated.problems().get(0).contains("not valid JSON"), truncated.problems().get(0));
  }
}
