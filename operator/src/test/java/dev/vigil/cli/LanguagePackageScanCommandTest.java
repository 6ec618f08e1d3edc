package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.TestImages;
import dev.vigil.testsupport.TestLanguageReaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `vigil scan` of an image with npm packages, built here and pushed to the real local registry,
 * matched against the real lodash advisory: the vulnerable copy in the final filesystem is
 * reported with its ecosystem, path and layer; the fixed copy and the copy a later layer deleted
 * are not.
 */
class LanguagePackageScanCommandTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path OSV = Path.of("src/test/resources/appseam/osv").toAbsolutePath();
  static LocalRegistry registry;
  static PushedImage image;

  @BeforeAll
  static void pushImage() {
    registry = LocalRegistry.start();
    image = registry.pusher().push("team/node-app", "1.0", TestImages.image()
        .layer(l -> l
            .file("app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.20\"}")
            .file("app/node_modules/express/package.json", "{\"name\":\"express\",\"version\":\"4.18.2\"}")
            .file("opt/old/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.15\"}"))
        .layer(l -> l
            .whiteout("opt/old")
            .file("srv/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.21\"}"))
        .build());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  record Run(int code, String out, String err) {}

  static Run scan(String... args) {
    CommandLine cli = VigilCommand.commandLine();
    ((ScanCommand) cli.getSubcommands().get("scan").getCommand()).languagePackages = TestLanguageReaders.npm();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("scan", "--quiet", "--vulndb", OSV.toString()));
    all.addAll(List.of(args));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void theVulnerableNpmPackageOfTheFinalFilesystemIsReportedWithEcosystemPathAndLayer() throws Exception {
    Run run = scan("-o", "json", image.reference().toString());
    assertEquals(0, run.code(), run.err());
    JsonNode status = JSON.readTree(run.out());
    assertEquals(1, status.path("vulnerabilities").size(), status.path("vulnerabilities").toString());
    JsonNode v = status.at("/vulnerabilities/0");
    assertEquals("CVE-2021-23337", v.path("id").asText());
    assertEquals("[\"GHSA-35jh-r3h4-6jhm\"]", v.path("aliases").toString());
    assertEquals("lodash", v.path("package").asText());
    assertEquals("npm", v.path("ecosystem").asText());
    assertEquals("/app/node_modules/lodash/package.json", v.path("path").asText());
    assertEquals("4.17.20", v.path("installedVersion").asText());
    assertEquals("4.17.21", v.path("fixedVersion").asText());
    assertEquals("High", v.path("severity").asText());
    assertEquals(image.layerDigests().get(0), v.path("layer").asText());
    assertTrue(v.path("sourcePackage").isMissingNode());
    assertEquals(1, status.at("/summary/high").asInt());
    assertEquals(1, status.at("/summary/fixable").asInt());
    assertTrue(status.at("/image/os").isMissingNode(), "no OS: language packages are matched all the same");
    assertTrue(status.at("/scan/vulnerabilityDb/source").asText().contains("appseam/osv"));
  }

  @Test
  void theTableShowsTypeAndPathAndTheGateCountsLanguagePackages() {
    Run table = scan("--fail-on", "High", image.reference().toString());
    assertEquals(ScanCommand.EXIT_FAILED_GATE, table.code(), table.err());
    List<String> lines = table.out().lines().toList();
    String header = lines.stream().filter(l -> l.startsWith("ID ")).findFirst().orElseThrow(() -> new AssertionError(table.out()));
    assertTrue(header.matches("ID +SEVERITY +TYPE +PACKAGE +INSTALLED +FIXED +TITLE +PATH"), header);
    String row = lines.get(lines.indexOf(header) + 1);
    assertTrue(row.matches("CVE-2021-23337 +High +npm +lodash +4\\.17\\.20 +4\\.17\\.21 +.+ +/app/node_modules/lodash/package\\.json"),
        row);
    assertTrue(table.out().contains("VULNS      Critical 0  High 1  Medium 0  Low 0  Unknown 0  (fixable 1)"), table.out());
  }

  @Test
  void aPolicyIgnoreEntryNamingTheNpmPackageClearsTheGate(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        apiVersion: vigil.dev/v1
        kind: ImagePolicy
        metadata:
          name: node
        spec:
          vulnerabilities:
            failOn: High
            ignore:
            - id: GHSA-35jh-r3h4-6jhm
              packages: [npm/lodash]
              reason: template input is never user-controlled here
        """);
    Run run = scan("-o", "json", "--policy", policy.toString(), image.reference().toString());
    assertEquals(0, run.code(), run.out() + run.err());
    JsonNode status = JSON.readTree(run.out());
    assertEquals(true, status.at("/compliance/compliant").asBoolean());
    assertEquals(0, status.path("vulnerabilities").size(), "an ignored vulnerability is not counted or listed");

    Files.writeString(policy, Files.readString(policy).replace("npm/lodash", "PyPI/lodash"));
    Run other = scan("-o", "json", "--policy", policy.toString(), image.reference().toString());
    assertEquals(ScanCommand.EXIT_FAILED_GATE, other.code(), other.err());
    assertEquals("1 High vulnerability", JSON.readTree(other.out()).at("/compliance/reasons/0").asText());
  }
}
