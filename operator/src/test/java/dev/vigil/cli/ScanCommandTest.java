package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.testsupport.Compression;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `vigil scan` end to end: images built here, pushed to a real local registry, scanned back. */
class ScanCommandTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path OSV = SampleImages.OSV;
  static LocalRegistry registry;
  static PushedImage app;
  static PushedImage multiArch;

  @BeforeAll
  static void pushImages() {
    registry = LocalRegistry.start();
    app = registry.pusher().push("team/app", "1.0", SampleImages.ubuntuWithCurl());
    multiArch = registry.pusher().push("team/db", "10.6", SampleImages.alpineMariadbIndex());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

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

  @Test
  void statusCarriesTheExactVulnerabilitiesFindingsAndImageFacts() throws Exception {
    Run run = scan("-o", "json", "--vulndb", OSV.toString(), app.reference().toString());
    assertEquals(0, run.code(), run.err());
    JsonNode status = run.json();
    assertEquals(app.digest(), status.at("/image/digest").asText());
    assertEquals(app.digest().substring(7, 19), status.at("/image/shortDigest").asText());
    assertEquals("team/app", status.at("/image/repository").asText());
    assertEquals("1.0", status.at("/image/tag").asText());
    assertEquals("linux/amd64", status.at("/image/platform").asText());
    assertEquals("ubuntu", status.at("/image/os/family").asText());
    assertEquals("22.04", status.at("/image/os/version").asText());
    assertTrue(status.at("/image/indexDigest").isMissingNode(), "no index");

    List<String> vulns = new ArrayList<>();
    status.path("vulnerabilities").forEach(v -> vulns.add(v.path("id").asText() + " " + v.path("package").asText()
        + " " + v.path("installedVersion").asText() + " -> " + v.path("fixedVersion").asText()));
    assertEquals(List.of(
        "CVE-2023-28321 curl 7.81.0-1ubuntu1.10 -> 7.81.0-1ubuntu1.11",
        "CVE-2023-28321 libcurl4 7.81.0-1ubuntu1.10 -> 7.81.0-1ubuntu1.11",
        "CVE-2023-28322 curl 7.81.0-1ubuntu1.10 -> 7.81.0-1ubuntu1.11",
        "CVE-2023-28322 libcurl4 7.81.0-1ubuntu1.10 -> 7.81.0-1ubuntu1.11",
        "CVE-2023-32001 curl 7.81.0-1ubuntu1.10 -> 7.81.0-1ubuntu1.11",
        "CVE-2023-32001 libcurl4 7.81.0-1ubuntu1.10 -> 7.81.0-1ubuntu1.11"), vulns);
    assertEquals(app.layerDigests().get(0), status.at("/vulnerabilities/0/layer").asText(),
        "the base layer installed curl");
    assertEquals(6, status.at("/summary/fixable").asInt());

    List<String> findings = new ArrayList<>();
    status.path("findings").forEach(f -> findings.add(f.path("id").asText()));
    assertEquals(List.of("VIG-IMG-001", "VIG-IMG-002", "VIG-IMG-005", "VIG-IMG-007", "VIG-IMG-008",
        "VIG-IMG-009", "VIG-IMG-013", "VIG-IMG-014"), findings);
    assertEquals(8, status.at("/summary/findings").asInt());
    assertEquals("/usr/bin/passwd (setuid)", status.at("/findings/1/evidence/0").asText());
    assertEquals("/root/.ssh/id_rsa: OPENSSH private key (deleted in a later layer, still in layer "
        + app.layerDigests().get(0) + ")", status.at("/findings/5/evidence/0").asText());
    assertTrue(!run.out().contains("wJalrXUtnFEMI") && !run.out().contains("npm_abcdefghij"),
        "no secret value is ever printed");
    assertEquals("Scanned", status.at("/conditions/1/type").asText());
    assertEquals("True", status.at("/conditions/1/status").asText());
  }

  @Test
  void failOnGatesTheExitCode() {
    assertEquals(0, scan("--vulndb", "none", "--fail-on", "None", app.reference().toString()).code());
    assertEquals(0, scan("--vulndb", "none", "--fail-on", "Critical", multiArch.reference().toString()).code());
    Run critical = scan("--vulndb", "none", "--fail-on", "Critical", app.reference().toString());
    assertEquals(ScanCommand.EXIT_FAILED_GATE, critical.code(), "the private key finding is Critical");
  }

  @Test
  void platformIsChosenFromAnIndexAndBothDigestsAreRecorded() throws Exception {
    JsonNode amd = scan("-o", "json", "--vulndb", OSV.toString(), multiArch.reference().toString()).json();
    assertEquals(multiArch.digest(), amd.at("/image/indexDigest").asText());
    assertEquals(multiArch.manifestDigests().get(0), amd.at("/image/digest").asText());
    assertEquals("alpine", amd.at("/image/os/family").asText());
    assertEquals("3.16", amd.at("/image/os/version").asText());
    assertEquals("CVE-2022-27449", amd.at("/vulnerabilities/0/id").asText());
    assertEquals("10.6.8-r0", amd.at("/vulnerabilities/0/fixedVersion").asText());

    JsonNode arm = scan("-o", "json", "--vulndb", OSV.toString(), "--platform", "linux/arm64",
        multiArch.reference().toString()).json();
    assertEquals(multiArch.manifestDigests().get(1), arm.at("/image/digest").asText());
    assertEquals("linux/arm64", arm.at("/image/platform").asText(), "arm64/v8 normalised as containerd does");
    assertEquals(0, arm.path("vulnerabilities").size(), "arm64 already has the fixed mariadb");
  }

  @Test
  void policyJudgesComplianceWithExpiringExceptions(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        apiVersion: vigil.dev/v1alpha1
        kind: ImagePolicy
        metadata: {name: strict}
        spec:
          vulnerabilities:
            failOn: Low
            ignore:
              - {id: CVE-2023-28321, reason: "not reachable", expires: "2999-01-01"}
              - {id: CVE-2023-28322, reason: "expired exception", expires: "2020-01-01"}
          checks:
            exclude: [VIG-IMG-009]
            requiredLabels: [org.opencontainers.image.source]
        """);
    Run run = scan("-o", "json", "--vulndb", OSV.toString(), "--policy", policy.toString(), app.reference().toString());
    assertEquals(ScanCommand.EXIT_FAILED_GATE, run.code(), run.err());
    JsonNode status = run.json();
    assertEquals(false, status.at("/compliance/compliant").asBoolean());
    assertEquals("strict", status.at("/compliance/policies/0").asText());
    List<String> ids = new ArrayList<>();
    status.path("vulnerabilities").forEach(v -> ids.add(v.path("id").asText()));
    assertEquals(List.of("CVE-2023-28322", "CVE-2023-28322", "CVE-2023-32001", "CVE-2023-32001"), ids,
        "the unexpired exception hides its CVE, the expired one does not");
    List<String> reasons = new ArrayList<>();
    status.at("/compliance/reasons").forEach(r -> reasons.add(r.asText()));
    assertTrue(reasons.stream().noneMatch(r -> r.contains("vulnerabilit")),
        "Unknown severity reaches no threshold: " + reasons);
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("VIG-IMG-012 (Low)")), reasons.toString());
    assertTrue(reasons.stream().noneMatch(r -> r.startsWith("VIG-IMG-009")), "excluded by the policy");
  }

  @Test
  void invalidPolicyIsAUsageErrorNamingTheField(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("bad.yaml");
    Files.writeString(policy, """
        apiVersion: vigil.dev/v1alpha1
        kind: ImagePolicy
        metadata: {name: bad}
        spec:
          checks: {maxImageAge: 0d}
        """);
    Run run = scan("--vulndb", "none", "--policy", policy.toString(), app.reference().toString());
    assertEquals(2, run.code());
    assertTrue(run.err().contains("spec.checks.maxImageAge: '0d' must be longer than zero"), run.err());
  }

  @Test
  void tableAndSarifOutputsNameTheFindings() throws Exception {
    Run table = scan("--vulndb", OSV.toString(), app.reference().toString());
    assertTrue(table.out().contains("OS         ubuntu 22.04"), table.out());
    assertTrue(table.out().contains("CVE-2023-32001  Unknown   os    libcurl4  7.81.0-1ubuntu1.10  7.81.0-1ubuntu1.11"),
        table.out());
    assertTrue(table.out().contains("VIG-IMG-009"), table.out());

    JsonNode sarif = JSON.readTree(scan("-o", "sarif", "--vulndb", OSV.toString(), app.reference().toString()).out());
    assertEquals("2.1.0", sarif.path("version").asText());
    JsonNode run = sarif.at("/runs/0");
    assertEquals("vigil", run.at("/tool/driver/name").asText());
    assertEquals(6 + 8, run.path("results").size());
    List<String> rules = new ArrayList<>();
    run.at("/tool/driver/rules").forEach(r -> rules.add(r.path("id").asText()));
    assertTrue(rules.containsAll(List.of("CVE-2023-28321", "VIG-IMG-009")), rules.toString());
    assertEquals("error", run.path("results").findValues("level").get(
        rules.indexOf("VIG-IMG-009") >= 0 ? 6 + 5 : 0).asText());
  }

  @Test
  void hostileLayerEndsThatImagesScanWithAClearErrorAndOthersStillScan() {
    org.apache.commons.compress.archivers.tar.TarArchiveEntry escape =
        new org.apache.commons.compress.archivers.tar.TarArchiveEntry("../../etc/cron.d/evil");
    escape.setSize(4);
    TestImage hostile = TestImages.image()
        .layer(TestImages.layer().entry(escape, "evil".getBytes(StandardCharsets.UTF_8)).build(Compression.GZIP))
        .build();
    PushedImage pushed = registry.pusher().push("team/hostile", "1", hostile);
    Run run = scan("--vulndb", "none", "-o", "json", pushed.reference().toString(), multiArch.reference().toString());
    assertEquals(ScanCommand.EXIT_SCAN_ERROR, run.code());
    assertTrue(run.err().contains("../../etc/cron.d/evil"), run.err());
    assertTrue(run.out().contains(multiArch.manifestDigests().get(0)), "the other image was still scanned");
  }

  @Test
  void vulnerabilityDataCanComeFromAnOciArtifactInARegistry() throws Exception {
    java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zip);
        var files = Files.list(OSV)) {
      for (Path record : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        out.putNextEntry(new java.util.zip.ZipEntry(record.getFileName().toString()));
        out.write(Files.readAllBytes(record));
        out.closeEntry();
      }
    }
    byte[] bytes = zip.toByteArray();
    String config = registry.pusher().pushBlob("mirror/osv", "{}".getBytes(StandardCharsets.UTF_8));
    String layer = registry.pusher().pushBlob("mirror/osv", bytes);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"artifactType\":\"application/vnd.vigil.osv.v1\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + config + "\",\"size\":2},"
        + "\"layers\":[{\"mediaType\":\"application/zip\",\"digest\":\"" + layer + "\",\"size\":" + bytes.length + "}]}";
    registry.pusher().pushManifest("mirror/osv", "latest", manifest.getBytes(StandardCharsets.UTF_8),
        "application/vnd.oci.image.manifest.v1+json");

    Run run = scan("-o", "json", "--data-dir", Files.createTempDirectory("vigil-data").toString(),
        "--vulndb", "oci://" + registry.host() + "/mirror/osv:latest", app.reference().toString());
    assertEquals(0, run.code(), run.err());
    assertEquals(6, run.json().path("vulnerabilities").size());
    assertTrue(run.json().at("/scan/vulnerabilityDb/source").asText().contains("mirror/osv"),
        run.json().at("/scan/vulnerabilityDb").toString());
  }

  @Test
  void unreachableImageExitsThreeWithTheReason() {
    Run run = scan("--vulndb", "none", registry.host() + "/team/missing:1");
    assertEquals(ScanCommand.EXIT_SCAN_ERROR, run.code());
    assertTrue(run.err().startsWith("vigil: " + registry.host() + "/team/missing:1: "), run.err());
    assertTrue(run.err().contains("team/missing"), run.err());
  }

  @Test
  void anUnreachableVulnerabilitySourceSaysWhatFailedAndWhy() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/Debian/all.zip";

    Run run = scan("--vulndb", url, "--data-dir", java.nio.file.Files.createTempDirectory("vulndb").toString(),
        "-o", "json", app.reference().toString());

    assertEquals(ScanCommand.EXIT_SCAN_ERROR, run.code(), run.err());
    assertTrue(run.err().contains("vulnerability data could not be loaded from " + url + ": cannot fetch " + url
        + ": cannot connect to 127.0.0.1:" + port + ": Connection refused"), run.err());
  }
}
