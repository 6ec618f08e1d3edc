package dev.vigil.image.checks;

import static dev.vigil.image.checks.CheckHarness.NOW;
import static dev.vigil.image.checks.CheckHarness.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.image.ImageConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry of checks, settings handling, ordering, capping, and docs/checks.md agreement. */
class ImageChecksTest {

  private static ImageConfig httpdConfig() throws IOException {
    try (InputStream in =
        ImageChecksTest.class.getResourceAsStream("/image/containers-image.schema2-config.json")) {
      return ImageConfig.parse(in.readAllBytes());
    }
  }

  /** A Debian-like runtime image with a few problems planted in it. */
  private static TestImageFiles debianLike() {
    return TestImageFiles.builder()
        .layer("sha256:base")
        .symlink("bin", "usr/bin")
        .file("usr/bin/dash", 0755)
        .symlink("usr/bin/sh", "dash")
        .file("usr/bin/su", 04755)
        .file("usr/bin/apt-get", 0755)
        .file("usr/bin/dpkg", 0755)
        .dir("tmp", 01777)
        .captured("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        .layer("sha256:app")
        .captured("root/.npmrc", "//registry.npmjs.org/:_authToken=abc123\n")
        .layer("sha256:cleanup")
        .delete("root/.npmrc")
        .build();
  }

  @Test
  void realHttpdImageGetsExactlyTheseFindingsInIdOrder() throws IOException {
    List<Finding> findings =
        new ImageChecks().run(httpdConfig(), debianLike(), ImageCheckSettings.defaults(), NOW);
    assertEquals(
        List.of(
            "VIG-IMG-001",
            "VIG-IMG-002",
            "VIG-IMG-005",
            "VIG-IMG-006",
            "VIG-IMG-010",
            "VIG-IMG-014",
            "VIG-IMG-015"),
        findings.stream().map(Finding::getId).toList());
    assertEquals(
        new Finding(
            "VIG-IMG-010",
            Finding.Category.Image,
            Severity.High,
            "Credential file in image",
            List.of(
                "/root/.npmrc: npm registry credentials (deleted in a later layer, still in layer"
                    + " sha256:app)"),
            "Rotate the credential. Use RUN --mount=type=secret for build-time credentials and"
                + " Kubernetes Secrets at runtime; a file deleted in a later layer is still in the"
                + " image."),
        findings.get(4));
    assertEquals(
        List.of("created 2016-09-23T23:20:45.789764590Z, 3537 days ago (maximum 365 days)"),
        findings.get(6).getEvidence());
    assertTrue(findings.stream().allMatch(f -> f.getCategory() == Finding.Category.Image));
  }

  @Test
  void excludedIdsDoNotRunAndOverridesReplaceSeverity() throws IOException {
    ImageCheckSettings d = ImageCheckSettings.defaults();
    ImageCheckSettings settings =
        new ImageCheckSettings(
            Set.of("VIG-IMG-001", "VIG-IMG-015", "VIG-WL-001"),
            Map.of("VIG-IMG-014", Severity.High, "VIG-IMG-002", Severity.Critical),
            d.requiredLabels(),
            d.maxImageAge(),
            d.forbiddenPorts(),
            d.forbiddenBinaries());
    List<Finding> findings = new ImageChecks().run(httpdConfig(), debianLike(), settings, NOW);
    assertEquals(
        List.of(
            "VIG-IMG-002 Critical",
            "VIG-IMG-005 Low",
            "VIG-IMG-006 Low",
            "VIG-IMG-010 High",
            "VIG-IMG-014 High"),
        findings.stream().map(f -> f.getId() + " " + f.getSeverity()).toList());
  }

  @Test
  void cleanImagePassesEverything() {
    ImageConfig config =
        config(
            "{\"created\":\"2026-05-20T00:00:00Z\",\"config\":{\"User\":\"65532:65532\","
                + "\"Healthcheck\":{\"Test\":[\"CMD\",\"/app/healthz\"]},"
                + "\"Env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\"]}}");
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("app/server", 0755)
            .dir("tmp", 01777)
            .build();
    assertEquals(
        List.of(), new ImageChecks().run(config, files, ImageCheckSettings.defaults(), NOW));
  }

  @Test
  void evidenceIsCappedAtFiftyLinesWithACountOfTheRest() {
    TestImageFiles.Builder b = TestImageFiles.builder().layer("sha256:a");
    for (int i = 0; i < 60; i++) {
      b.file(String.format("usr/bin/tool%02d", i), 04755);
    }
    List<String> evidence = CheckHarness.evidence("VIG-IMG-002", config("{}"), b.build());
    assertEquals(51, evidence.size());
    assertEquals("/usr/bin/tool00 (setuid)", evidence.get(0));
    assertEquals("/usr/bin/tool49 (setuid)", evidence.get(49));
    assertEquals("... and 10 more", evidence.get(50));
  }

  @Test
  void checkIdsAreSequentialAndUnique() {
    List<String> ids = new ImageChecks().checks().stream().map(ImageCheck::id).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 17; i++) {
      expected.add(String.format("VIG-IMG-%03d", i));
    }
    assertEquals(expected, ids);
  }

  @Test
  void docsListEveryCheckWithItsSeverityTitleAndRemediation() throws IOException {
    Path docs = Path.of(System.getProperty("vigil.projectRoot", ".."), "docs", "checks.md");
    List<String> rows =
        Files.readAllLines(docs).stream().filter(l -> l.startsWith("| VIG-IMG-")).toList();
    List<ImageCheck> checks = new ImageChecks().checks();
    assertEquals(checks.size(), rows.size());
    for (int i = 0; i < checks.size(); i++) {
      ImageCheck check = checks.get(i);
      String[] cells = rows.get(i).split("\\|");
      assertEquals(check.id(), cells[1].strip());
      assertEquals(check.defaultSeverity().name(), cells[2].strip(), check.id());
      assertEquals(check.title(), cells[3].strip(), check.id());
      assertFalse(cells[4].isBlank(), check.id() + " rationale");
      assertEquals(check.remediation(), cells[5].strip(), check.id());
    }
  }

  @Test
  void defaultsForbidDownloadingPackageManagersButNotDpkgOrRpm() {
    ImageCheckSettings d = ImageCheckSettings.defaults();
    assertTrue(
        d.forbiddenBinaries()
            .containsAll(List.of("sh", "busybox", "curl", "apt-get", "apk", "gcc")));
    assertFalse(d.forbiddenBinaries().contains("dpkg"));
    assertFalse(d.forbiddenBinaries().contains("rpm"));
    assertFalse(d.forbiddenBinaries().contains("su"));
    assertEquals(Set.of(22, 23), d.forbiddenPorts());
    assertEquals(Duration.ofDays(365), d.maxImageAge());
    assertEquals(List.of(), d.requiredLabels());
    assertEquals(Set.of(), d.excludedIds());
  }

  @Test
  void invalidSettingsAreRejectedWithTheFieldNamed() {
    assertEquals(
        "maxImageAge must be positive, got PT-1H",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageCheckSettings(null, null, null, Duration.ofHours(-1), null, null))
            .getMessage());
    assertEquals(
        "forbiddenPorts: 70000 is not a port number",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageCheckSettings(null, null, null, null, Set.of(70000), null))
            .getMessage());
    assertEquals(
        "forbiddenBinaries: \"usr/bin/sh\" is not a file name (no slashes, not empty)",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageCheckSettings(null, null, null, null, null, Set.of("usr/bin/sh")))
            .getMessage());
  }

  @Test
  void nullSettingsFieldsMeanNothingConfigured() {
    ImageCheckSettings none = new ImageCheckSettings(null, null, null, null, null, null);
    ImageConfig config =
        config(
            "{\"created\":\"2000-01-01T00:00:00Z\",\"config\":{\"ExposedPorts\":{\"22/tcp\":{}}}}");
    List<String> ids =
        new ImageChecks()
            .run(config, debianLike(), none, NOW).stream().map(Finding::getId).toList();
    assertEquals(List.of("VIG-IMG-001", "VIG-IMG-002", "VIG-IMG-010", "VIG-IMG-014"), ids);
  }
}
