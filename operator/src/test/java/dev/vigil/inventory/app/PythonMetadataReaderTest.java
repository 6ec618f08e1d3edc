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
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.vulndb.LanguageEcosystems;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonMetadataReaderTest {

  private final PythonMetadataReader reader = new PythonMetadataReader();

  private static final String SITE = "usr/local/lib/python3.11/site-packages/";

  /** Where a bare METADATA fixture is offered. */
  private static final String AS_METADATA = SITE + "fixture-1.0.dist-info/METADATA";

  @Test
  void scalibrMetadataCasesAtTheirInstalledPathsGiveTheExpectedPackages() throws Exception {
    for (JsonNode c : expectedJson("python/scalibr-wheelegg").get("cases")) {
      String input = c.get("input").asText();
      if (input.endsWith(".whl")) {
        // a wheel lying in an image is a download or a cache, not an installed distribution
        assertFalse(reader.wants(SITE + input, 0644, 100), input);
        continue;
      }
      String at;
      if (c.has("as")) {
        at = SITE + c.get("as").asText().replace(" (single file)", "");
      } else if (input.endsWith(".egg")) {
        at = SITE + input;
      } else {
        at = AS_METADATA;
      }
      PackageEvidence evidence = offer(reader, at, bytes("python/scalibr-wheelegg/" + input));
      assertCase(c, evidence, "PyPI");
      if (!c.has("expect_error")) {
        assertEquals(List.of(), evidence.problems(), input);
      }
    }
  }

  @Test
  void eggZipIsReadThroughToItsPkgInfoAndNamedByItsInnerPath() throws Exception {
    PackageEvidence egg = offer(reader, SITE + "monotonic-1.6-py3.10.egg",
        bytes("python/scalibr-wheelegg/monotonic-1.6-py3.10.egg"));
    assertEquals(
        "/" + SITE + "monotonic-1.6-py3.10.egg!/EGG-INFO/PKG-INFO", egg.packages().get(0).path());
    PackageEvidence notZip =
        offer(reader, SITE + "broken.egg", "not a zip at all".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(), notZip.packages());
  }

  @Test
  void trivyMetadataCasesGiveTheExpectedPackages() throws Exception {
    for (JsonNode c : expectedJson("python/trivy-packaging").get("cases")) {
      String input = c.get("input").asText();
      PackageEvidence evidence;
      if (input.startsWith("analyzer/")) {
        // a whole folder case: offer the tree as a site-packages directory
        String caseFolder = input.substring(0, input.indexOf('/', "analyzer/".length()));
        evidence = offerTree(reader, dir("python/trivy-packaging/" + caseFolder), SITE);
      } else if (input.endsWith(".egg-info")) {
        evidence = offer(reader, SITE + input, bytes("python/trivy-packaging/" + input));
      } else if (input.endsWith(".PKG-INFO")) {
        evidence = offer(reader, SITE + "fixture.egg-info/PKG-INFO", bytes("python/trivy-packaging/" + input));
      } else {
        evidence = offer(reader, AS_METADATA, bytes("python/trivy-packaging/" + input));
      }
      assertCase(c, evidence, "PyPI");
      if (!c.has("expect_error")) {
        assertEquals(List.of(), evidence.problems(), input);
      }
    }
  }

  @Test
  void syftLayoutsAreFoundByTheirHeadersNotTheirDirectoryNames() throws Exception {
    JsonNode image = expectedJson("python/syft-image").get("cases").get(0);
    PackageEvidence found = offerTree(reader, dir("python/syft-image/python"), "python/");
    List<String> expected = new ArrayList<>();
    image.get("expected").forEach(e -> expected.add(
        e.get("name").asText() + " " + e.get("version").asText() + " /" + e.get("path").asText()));
    assertEquals(
        new TreeSet<>(expected),
        new TreeSet<>(found.packages().stream().map(p -> p.name().toLowerCase() + " " + p.version()
            + " " + p.path()).toList()));

    for (JsonNode c : expectedJson("python/syft-python").get("cases")) {
      String input = c.get("input").asText();
      Path in = dir("python/syft-python/" + input);
      PackageEvidence evidence = Files.isDirectory(in)
          ? offerTree(reader, in, SITE + in.getFileName() + "/")
          : offerFile(SITE + input, Files.readAllBytes(in));
      // syft lower-cases names; the reader keeps the Name header (raw_name where syft's test has it)
      List<String> want = new ArrayList<>();
      c.get("expected").forEach(e -> {
        want.add(e.get("name").asText() + " " + e.get("version").asText());
        if (e.has("raw_name")) {
          assertTrue(evidence.packages().stream().anyMatch(p -> p.name().equals(e.get("raw_name").asText())), input);
        }
      });
      assertEquals(new TreeSet<>(want), new TreeSet<>(nameVersions(evidence.packages()).stream()
          .map(String::toLowerCase).toList()), input);
      switch (input) {
        case "site-packages/no-version" ->
            assertTrue(evidence.problems().get(0).contains("no Version"), evidence.problems().toString());
        case "empty-1.0.0-py3.8.egg-info" ->
            assertTrue(evidence.problems().get(0).contains("empty"), evidence.problems().toString());
        default -> assertEquals(List.of(), evidence.problems(), input);
      }
    }
  }

  private PackageEvidence offerFile(String at, byte[] content) throws Exception {
    return reader.wants(at, 0644, content.length)
        ? reader.read(at, new ManifestFixtures.WalkerStream(content), content.length)
        : PackageEvidence.NONE;
  }

  @Test
  void theInterpretersOwnEggInfoIsNotAPackage() throws Exception {
    byte[] python = bytes("python/syft-python/Python-2.7.egg-info");
    assertFalse(reader.wants("usr/lib/python2.7/lib-dynload/Python-2.7.egg-info", 0644, python.length));
    assertFalse(reader.wants(SITE + "Python-2.7.egg-info", 0644, python.length));
    // Debian python2.7's stdlib egg-info files lie directly in lib/python2.7
    assertFalse(reader.wants("usr/lib/python2.7/argparse.egg-info", 0644, 100));
    assertFalse(reader.wants("usr/lib/python2.7/wsgiref.egg-info", 0644, 100));
    assertTrue(reader.wants("usr/lib/python2.7/dist-packages/six-1.16.0.egg-info", 0644, 100));
    // the header still decides when the file name does not give it away
    assertEquals(PackageEvidence.NONE.packages(),
        reader.read(SITE + "python-2.7.egg-info", new ManifestFixtures.WalkerStream(python), python.length).packages());
  }

  @Test
  void staleSecondDistInfoIsReportedBesideTheCurrentOneAndEmbeddedSbomsAreNotRead()
      throws Exception {
    // pip upgrades and --ignore-installed leave the old dist-info behind (setup-python #785):
    // both are on disk, which one is imported depends on the path order, so both are listed
    PackageEvidence old = offer(reader, SITE + "pip-23.2.1.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: pip\nVersion: 23.2.1\n".getBytes(StandardCharsets.UTF_8));
    PackageEvidence current = offer(reader, SITE + "pip-23.3.2.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: pip\nVersion: 23.3.2\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("pip 23.2.1"), nameVersions(old.packages()));
    assertEquals(List.of("pip 23.3.2"), nameVersions(current.packages()));
    // pip 26 vendors an SBOM of its own pins; those are not installed distributions
    assertFalse(reader.wants(SITE + "pip/_vendor/bom.cdx.json", 0644, 100));
    assertFalse(reader.wants("app/src/foo-1.0/PKG-INFO", 0644, 100), "an unpacked sdist");
    assertFalse(reader.wants(SITE + "x.dist-info/RECORD", 0644, 100));
  }

  @Test
  void onlyTheHeaderBlockIsReadAndAnEggBombStopsAtTheInflateCap() throws Exception {
    // a description body beyond the header cap does not matter once the headers ended
    byte[] head = "Name: big\nVersion: 1.0\n\n".getBytes(StandardCharsets.UTF_8);
    long size = PythonMetadataReader.MAX_HEADER_BYTES * 50;
    PackageEvidence big = reader.read(AS_METADATA, new ManifestFixtures.WalkerStream(head), size);
    assertEquals(List.of("big 1.0"), nameVersions(big.packages()));

    ByteArrayOutputStream zipBytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(zipBytes)) {
      zip.putNextEntry(new ZipEntry("zeros.bin"));
      byte[] zeros = new byte[1024 * 1024];
      for (long i = 0; i < PythonMetadataReader.MAX_EGG_INFLATED_BYTES / zeros.length + 2; i++) {
        zip.write(zeros);
      }
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("EGG-INFO/PKG-INFO"));
      zip.write("Name: hidden\nVersion: 1\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    PackageEvidence bomb = offer(reader, SITE + "bomb-1.0.egg", zipBytes.toByteArray());
    assertEquals(List.of(), bomb.packages());
    assertTrue(bomb.problems().get(0).contains("inflates to more than 256 MiB"), bomb.problems().get(0));

    PackageEvidence over = reader.read(SITE + "huge.egg", new ManifestFixtures.WalkerStream(new byte[0]),
        PythonMetadataReader.MAX_EGG_BYTES + 1);
    assertTrue(over.problems().get(0).contains("above the 64 MiB"), over.problems().get(0));
  }

  @Test
  void pep503VectorsAreWhatTheMatcherMakesOfTheNamesKeptAsWritten() {
    JsonNode vectors = ManifestFixtures.json("python/pep503-names.json");
    int checked = 0;
    for (String group : List.of("trivy", "scalibr_purl", "from_fixtures")) {
      for (JsonNode v : vectors.path(group).path("cases")) {
        if (v.has("lower") && !v.get("lower").asBoolean()) {
          continue; // Trivy's option to keep the case; OSV names are lower case
        }
        assertEquals(v.get("out").asText(),
            LanguageEcosystems.normaliseName("PyPI", v.get("in").asText()), v.toString());
        checked++;
      }
    }
    assertTrue(checked >= 10, checked + " vectors");
  }

  /**
   * This machine's installed distributions, as Python's own importlib.metadata lists them, with
   * packaging's canonicalize_name as the PEP 503 reference: the reader finds the same
   * distributions with the same names and versions, and the matcher's normalisation of the kept
   * name is packaging's.
   */
  @Test
  void realSitePackagesMatchImportlibMetadataAndPackagingNames(@TempDir Path work) throws Exception {
    assumeTrue(ManifestFixtures.runs(List.of("python3", "-c", "import packaging.utils")),
        "python3 with packaging is missing");
    String script = String.join("\n",
        "import sys, site, sysconfig, importlib.metadata as md",
        "from packaging.utils import canonicalize_name",
        "dirs = sorted(set(site.getsitepackages() + [sysconfig.get_paths()['purelib'],",
        "    '/usr/lib/python3/dist-packages']))",
        "for d in dirs:",
        "    for dist in md.distributions(path=[d]):",
        "        name = dist.metadata['Name'] or ''",
        "        print('\\t'.join([d, str(dist._path), name, dist.metadata['Version'] or '',",
        "            canonicalize_name(name)]))");
    String listing = ManifestFixtures.run(work, List.of("python3", "-c", script), false);
    TreeSet<String> dirs = new TreeSet<>();
    TreeSet<String> expected = new TreeSet<>();
    List<String[]> rows = new ArrayList<>();
    for (String line : listing.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      dirs.add(f[0]);
      rows.add(f);
      expected.add(f[1] + " " + f[2] + " " + f[3]);
    }
    assertTrue(rows.size() > 10, "importlib listed " + rows.size());

    TreeSet<String> ours = new TreeSet<>();
    int vendored = 0;
    for (String d : dirs) {
      Path site = Path.of(d);
      if (!Files.isDirectory(site)) {
        continue;
      }
      String prefix = d.substring(1) + "/";
      PackageEvidence found = offerTree(reader, site, prefix);
      for (ApplicationPackage p : found.packages()) {
        Path file = Path.of(p.path());
        Path dist = file.getParent().getFileName().toString().toLowerCase().endsWith("info")
            ? file.getParent() : file;
        if (!dist.getParent().equals(site)) {
          vendored++; // copies vendored inside other packages (setuptools/_vendor/...)
          continue;
        }
        ours.add(dist + " " + p.name() + " " + p.version());
      }
    }
    assertEquals(expected, ours);
    for (String[] f : rows) {
      assertEquals(f[4], LanguageEcosystems.normaliseName("PyPI", f[2]), f[1]);
    }
    System.out.printf("%d distributions in %s, %d vendored copies below them%n", ours.size(), dirs, vendored);
  }
}
