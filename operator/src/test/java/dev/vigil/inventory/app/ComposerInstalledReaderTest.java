package dev.vigil.inventory.app;

import static dev.vigil.inventory.app.ManifestFixtures.assertCase;
import static dev.vigil.inventory.app.ManifestFixtures.bytes;
import static dev.vigil.inventory.app.ManifestFixtures.expectedJson;
import static dev.vigil.inventory.app.ManifestFixtures.nameVersions;
import static dev.vigil.inventory.app.ManifestFixtures.offer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposerInstalledReaderTest {

  private final ComposerInstalledReader reader = new ComposerInstalledReader();

  private static final String INSTALLED = "var/www/html/vendor/composer/installed.json";

  @Test
  void composerOneArrayAndComposerTwoObjectGiveTheSamePackagesWithVersionsAsWritten()
      throws Exception {
    for (String folder : List.of("php/syft-installed-json", "php/trivy-composer-vendor", "php/syft-image")) {
      for (JsonNode c : expectedJson(folder).get("cases")) {
        String input = c.get("input").asText();
        PackageEvidence evidence = offer(reader, INSTALLED, bytes(folder + "/" + input));
        assertCase(c, evidence, "Packagist");
        if (!c.has("expect_error")) {
          assertEquals(List.of(), evidence.problems(), input);
          evidence.packages().forEach(p -> assertEquals("/" + INSTALLED, p.path()));
        }
      }
    }
  }

  @Test
  void devPackagesAreOnDiskAndReportedAndEntriesWithoutNameOrVersionAreProblems()
      throws Exception {
    String composer2 = """
        {"packages": [
           {"name": "monolog/monolog", "version": "2.9.1"},
           {"name": "phpunit/phpunit", "version": "9.6.13"},
           {"name": "broken/no-version"},
           "not an object"
         ],
         "dev": true,
         "dev-package-names": ["phpunit/phpunit"]}
        """;
    PackageEvidence evidence = offer(reader, INSTALLED, composer2.getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("monolog/monolog 2.9.1", "phpunit/phpunit 9.6.13"), nameVersions(evidence.packages()));
    assertEquals(2, evidence.problems().size(), evidence.problems().toString());
    assertTrue(evidence.problems().get(0).contains("broken/no-version"));

    for (String broken : List.of("", "42", "{\"dev\": true}", "[] []")) {
      PackageEvidence bad = offer(reader, INSTALLED, broken.getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(), bad.packages(), broken);
      assertEquals(1, bad.problems().size(), broken);
    }
  }

  @Test
  void onlyComposersInstalledJsonIsWanted() throws Exception {
    assertTrue(reader.wants("app/vendor/composer/installed.json", 0644, 100));
    assertTrue(reader.wants("app/lib/composer/installed.json", 0644, 100), "a custom vendor-dir");
    assertFalse(reader.wants("app/composer.lock", 0644, 100), "lock files are not read in images");
    assertFalse(reader.wants("app/vendor/composer/installed.php", 0644, 100));
    assertFalse(reader.wants("opt/tool/installed.json", 0644, 100));
    PackageEvidence over = reader.read(INSTALLED, new ManifestFixtures.WalkerStream(new byte[0]),
        ComposerInstalledReader.MAX_BYTES + 1);
    assertTrue(over.problems().get(0).contains("above the 64 MiB"), over.problems().get(0));
  }

  /**
   * PHP's own JSON decoder is the reference for what Composer reads back from installed.json:
   * whatever php -r json_decode lists as packages the reader lists too.
   */
  @Test
  void packagesMatchWhatPhpDecodesFromTheSameFiles(@TempDir Path work) throws Exception {
    assumeTrue(ManifestFixtures.runs(List.of("php", "-r", "exit(function_exists('json_decode') ? 0 : 1);")),
        "php with json is missing");
    String script = "$d = json_decode(file_get_contents($argv[1]), true);"
        + " $p = isset($d['packages']) ? $d['packages'] : $d;"
        + " foreach ($p as $x) { echo $x['name'], ' ', $x['version'], \"\\n\"; }";
    for (String input : List.of("php/syft-installed-json/composer_1/installed.json",
        "php/syft-installed-json/composer_2/installed.json", "php/trivy-composer-vendor/happy/installed.json",
        "php/syft-image/vendor/composer/installed.json")) {
      Path file = ManifestFixtures.dir(input);
      String php = ManifestFixtures.run(work, List.of("php", "-r", script, file.toString()), false);
      List<String> expected = php.lines().toList();
      assertEquals(expected, nameVersions(offer(reader, INSTALLED, Files.readAllBytes(file)).packages()), input);
    }
  }
}
