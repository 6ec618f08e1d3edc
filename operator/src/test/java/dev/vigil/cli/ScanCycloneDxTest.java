package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.sbom.CycloneDxSbom;
import dev.vigil.testsupport.Compression;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImages;
import dev.vigil.testsupport.TestLayer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vigil scan -o cyclonedx} against images pushed to a real local registry. The OS package
 * lists are compared with what established tools list for the same package databases: Trivy's
 * own test expectations for a dpkg status and an apk database, and {@code rpm -qa} for an rpm
 * database (the fixtures under src/test/resources/inventory, see their README files).
 */
class ScanCycloneDxTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static LocalRegistry registry;
  static PushedImage ubuntu1804;
  static PushedImage mariner;
  static PushedImage alpine;
  static PushedImage vulnerable;

  @BeforeAll
  static void pushImages() {
    registry = LocalRegistry.start();
    TestLayer release = TestImages.layer()
        .file("etc/lsb-release", resource("os-release/trivy-fallback/ubuntu.lsb-release"), 0644)
        .build(Compression.GZIP);
    TestLayer dpkg = TestImages.layer()
        .file("var/lib/dpkg/status", resource("trivy-dpkg/valid/var/lib/dpkg/status"), 0644)
        .build(Compression.GZIP);
    ubuntu1804 = registry.pusher().push("ref/ubuntu", "18.04",
        TestImages.image().layer(release).layer(dpkg).build());
    mariner = registry.pusher().push("ref/mariner", "2.0", TestImages.image().layer(TestImages.layer()
        .file("etc/os-release", resource("os-release/trivy/mariner-2.0"), 0644)
        .file("var/lib/rpm/rpmdb.sqlite", resource("go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite"), 0644)
        .build(Compression.GZIP)).build());
    alpine = registry.pusher().push("ref/alpine", "3.15", TestImages.image().layer(TestImages.layer()
        .file("etc/os-release", resource("os-release/trivy/alpine"), 0644)
        .file("lib/apk/db/installed", resource("trivy-apk/lib/apk/db/installed"), 0644)
        .build(Compression.GZIP)).build());
    vulnerable = registry.pusher().push("team/app", "1.0", SampleImages.ubuntuWithCurl());
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
    List<String> all = new ArrayList<>(List.of("scan", "--quiet"));
    all.addAll(List.of(args));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /** Scans with -o cyclonedx, checks the exit code and validates the document against the schema. */
  static JsonNode sbom(PushedImage image, String vulnDb) throws Exception {
    Run run = scan("-o", "cyclonedx", "--vulndb", vulnDb, image.reference().toString());
    assertEquals(0, run.code(), run.err());
    assertEquals(List.of(), new JsonParser().validate(run.out().getBytes(StandardCharsets.UTF_8), CycloneDxSbom.VERSION)
        .stream().map(Throwable::getMessage).toList());
    return JSON.readTree(run.out());
  }

  static List<String> osPackages(JsonNode bom) {
    List<String> out = new ArrayList<>();
    bom.path("components").forEach(c -> {
      if (c.path("type").asText().equals("library")) {
        out.add(c.path("name").asText() + "@" + c.path("version").asText());
      }
    });
    return out;
  }

  @Test
  void dpkgPackagesAndVersionsAreThoseTrivyListsForTheSameStatusFile() throws Exception {
    JsonNode bom = sbom(ubuntu1804, "none");
    // Trivy's ID column is name@[epoch:]version-release: the version as dpkg writes it.
    List<String> trivy = column("trivy-dpkg/valid.expected.csv", 0);
    assertEquals(90, trivy.size());
    assertEquals(trivy.stream().sorted().toList(), osPackages(bom).stream().sorted().toList());
    assertTrue(osPackages(bom).contains("bsdutils@1:2.31.1-0.4ubuntu3.1"), "the epoch stays in the version");

    JsonNode bsdutils = component(bom, "bsdutils");
    assertEquals("pkg:deb/ubuntu/bsdutils@2.31.1-0.4ubuntu3.1?arch=amd64&distro=ubuntu-18.04&epoch=1",
        bsdutils.path("purl").asText());
    assertTrue(properties(bsdutils).contains("vigil:package:sourceName=util-linux"), properties(bsdutils).toString());
    assertTrue(properties(bsdutils).contains("vigil:layer=" + ubuntu1804.layerDigests().get(1)),
        "the layer that wrote the status file");
    assertEquals("operating-system", bom.at("/components/0/type").asText());
    assertEquals("ubuntu", bom.at("/components/0/name").asText());
    assertEquals("18.04", bom.at("/components/0/version").asText());
    assertEquals(ubuntu1804.digest(), bom.at("/metadata/component/version").asText());
    assertEquals(registry.host() + "/ref/ubuntu", bom.at("/metadata/component/name").asText());
    assertEquals(VigilVersion.version(), bom.at("/metadata/tools/components/0/version").asText());
    assertTrue(bom.path("vulnerabilities").isMissingNode(), "--vulndb none: no vulnerability data");
  }

  @Test
  void rpmPackagesAndVersionsAreThoseRpmQaListsForTheSameDatabase() throws Exception {
    JsonNode bom = sbom(mariner, "none");
    List<String> rpmQa = new ArrayList<>();
    for (String[] row : rows("go-rpmdb/cbl-mariner-2.0/packages.rpm-qa.csv")) {
      rpmQa.add(row[1] + "@" + (row[0].isEmpty() ? "" : row[0] + ":") + row[2] + "-" + row[3]);
    }
    assertEquals(129, rpmQa.size());
    assertEquals(rpmQa.stream().sorted().toList(), osPackages(bom).stream().sorted().toList());
    assertEquals("pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1",
        component(bom, "ca-certificates-base").path("purl").asText(), "rpm: the epoch is a qualifier");
    assertEquals("1:2.0.0-1.cm2", component(bom, "ca-certificates-base").path("version").asText());
  }

  @Test
  void apkPackagesAndVersionsAreThoseTrivyListsForTheSameDatabase() throws Exception {
    JsonNode bom = sbom(alpine, "none");
    List<String> trivy = column("trivy-apk/installed.expected.csv", 0);
    assertEquals(15, trivy.size());
    assertEquals(trivy.stream().sorted().toList(), osPackages(bom).stream().sorted().toList());
    assertEquals("pkg:apk/alpine/musl@1.1.14-r10?arch=x86_64&distro=alpine-3.15.4",
        component(bom, "musl").path("purl").asText());
  }

  @Test
  void vulnerabilitiesFromTheDataAffectTheMatchedPackages() throws Exception {
    JsonNode bom = sbom(vulnerable, SampleImages.OSV.toString());
    List<String> vulns = new ArrayList<>();
    bom.path("vulnerabilities").forEach(v -> {
      List<String> affected = new ArrayList<>();
      v.path("affects").forEach(a -> affected.add(a.path("ref").asText()));
      vulns.add(v.path("id").asText() + " " + affected);
    });
    String curl = component(bom, "curl").path("bom-ref").asText();
    String libcurl = component(bom, "libcurl4").path("bom-ref").asText();
    assertEquals(List.of(
        "CVE-2023-28321 " + List.of(curl, libcurl),
        "CVE-2023-28322 " + List.of(curl, libcurl),
        "CVE-2023-32001 " + List.of(curl, libcurl)), vulns,
        "the six matches of the json status, one entry per CVE");
    JsonNode first = bom.at("/vulnerabilities/0/affects/0/versions");
    assertEquals("7.81.0-1ubuntu1.10", first.at("/0/version").asText());
    assertEquals("7.81.0-1ubuntu1.11", first.at("/1/version").asText());
    assertEquals("unaffected", first.at("/1/status").asText());
    assertTrue(bom.path("metadata").path("properties").toString().contains("vigil:vulnerabilityDb:source"));
  }

  @Test
  void moreThanOneImageIsAUsageError() {
    Run run = scan("-o", "cyclonedx", "--vulndb", "none", alpine.reference().toString(),
        mariner.reference().toString());
    assertEquals(2, run.code());
    assertTrue(run.err().contains("-o cyclonedx describes one image"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void anImageThatCannotBeScannedWritesNoDocument() {
    Run run = scan("-o", "cyclonedx", "--vulndb", "none", registry.host() + "/ref/missing:1");
    assertEquals(ScanCommand.EXIT_SCAN_ERROR, run.code());
    assertEquals("", run.out());
    assertTrue(run.err().contains("ref/missing"), run.err());
  }

  /**
   * A cold {@code vigil scan} in its own JVM: the CycloneDX library (and its schema validator and
   * XML stack) stays unloaded unless the SBOM is asked for (issue #12, start-up time).
   */
  @Test
  void otherOutputsNeverLoadTheCycloneDxLibrary(@TempDir Path dir) throws Exception {
    List<String> json = loadedClasses(dir.resolve("json.log"), "-o", "json");
    assertTrue(json.stream().anyMatch(c -> c.startsWith("dev.vigil.cli.ScanCommand")), "the log is read");
    assertEquals(List.of(), json.stream().filter(c -> c.startsWith("org.cyclonedx.")
        || c.startsWith("dev.vigil.sbom.") || c.startsWith("com.github.packageurl.")).toList());
    List<String> sbom = loadedClasses(dir.resolve("cyclonedx.log"), "-o", "cyclonedx");
    assertTrue(sbom.contains("org.cyclonedx.model.Bom"), "the check can fail: -o cyclonedx loads it");
  }

  private static List<String> loadedClasses(Path log, String... output) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load=info:file=" + log,
        "-cp", System.getProperty("java.class.path"),
        VigilCommand.class.getName(), "scan", "--quiet", "--vulndb", "none"));
    command.addAll(List.of(output));
    command.add(alpine.reference().toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "cold scan finished");
    assertEquals(0, p.exitValue(), Files.readString(log.resolveSibling(log.getFileName() + ".out")));
    List<String> classes = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      // [0.123s][info][class,load] org.cyclonedx.model.Bom source: file:/...
      int at = line.indexOf("[class,load] ");
      if (at >= 0) {
        String rest = line.substring(at + "[class,load] ".length());
        classes.add(rest.substring(0, rest.indexOf(' ') < 0 ? rest.length() : rest.indexOf(' ')));
      }
    }
    return classes;
  }

  static JsonNode component(JsonNode bom, String name) {
    for (JsonNode c : bom.path("components")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no component " + name);
  }

  static List<String> properties(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.path("properties").forEach(p -> out.add(p.path("name").asText() + "=" + p.path("value").asText()));
    return out;
  }

  static byte[] resource(String path) {
    try (InputStream in = ScanCycloneDxTest.class.getResourceAsStream("/inventory/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource /inventory/" + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Data rows of a fixture CSV, split at commas (the columns read here hold none). */
  static List<String[]> rows(String path) {
    List<String> lines = new String(resource(path), StandardCharsets.UTF_8).lines().toList();
    return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).map(l -> l.split(",", -1)).toList();
  }

  static List<String> column(String path, int index) {
    return rows(path).stream().map(r -> r[index]).toList();
  }
}
