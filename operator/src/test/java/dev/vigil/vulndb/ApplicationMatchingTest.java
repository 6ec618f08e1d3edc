package dev.vigil.vulndb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Severity;
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.Inventory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Language packages against real advisories of every language ecosystem
 * (resources/osv-appdeps/README.md names each record's source): the ecosystem's version order
 * decides which range holds a version and which fix is reported, names are normalised per
 * ecosystem, and every copy of a package is its own finding.
 */
class ApplicationMatchingTest {

  private static VulnDb db;
  private final VulnMatcher matcher = new VulnMatcher();

  @BeforeAll
  static void load() throws Exception {
    db = TestDbs.load(records());
  }

  static Path records() throws URISyntaxException {
    return Path.of(ApplicationMatchingTest.class.getResource("/osv-appdeps").toURI());
  }

  private static ApplicationPackage app(String ecosystem, String name, String version) {
    return new ApplicationPackage(ecosystem, name, version, "/app/" + name, "sha256:layer-app");
  }

  private List<VulnerabilityMatch> match(String ecosystem, String name, String version) {
    return matcher.matchApplications(db, List.of(app(ecosystem, name, version)));
  }

  /** The fixed version of the one finding, "none" when not affected, "unfixed" without fix. */
  private String fix(String ecosystem, String name, String version) {
    List<VulnerabilityMatch> matches = match(ecosystem, name, version);
    if (matches.isEmpty()) {
      return "none";
    }
    Set<String> fixes =
        matches.stream()
            .map(m -> m.fixedVersion() == null ? "unfixed" : m.fixedVersion())
            .collect(Collectors.toSet());
    assertEquals(1, fixes.size(), "one fix for all findings of " + name + " " + version);
    return fixes.iterator().next();
  }

  @Test
  void everyRecordLoadsWithoutASkippedEntry() {
    LoadReport report = db.loadReport();
    assertEquals(0, report.problemCount(), report.toString());
    assertEquals(12, db.recordCount(), "13 files, one an older revision of another record");
    assertEquals(
        Set.of("Maven", "npm", "PyPI", "Go", "RubyGems", "Packagist", "crates.io", "NuGet"),
        db.ecosystems());
  }

  @Test
  void log4ShellInLog4jCore2141IsCriticalWithTheFixOfItsOwnBranch() {
    assertEquals(
        List.of(
            new VulnerabilityMatch(
                "CVE-2021-44228",
                List.of("GHSA-jfh8-c2jp-5v3q"),
                "org.apache.logging.log4j:log4j-core",
                null,
                "2.14.1",
                "2.15.0",
                true,
                Severity.Critical,
                10.0,
                "Remote code injection in Log4j",
                "sha256:layer-app",
                "https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
                "Maven",
                "/app/org.apache.logging.log4j:log4j-core")),
        match("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"));
  }

  /** Log4Shell's three ranges: [2.13.0, 2.15.0), [0, 2.3.1), [2.4, 2.12.2). */
  @ParameterizedTest(name = "log4j-core {0} -> {1}")
  @CsvSource({
    "2.14.1, 2.15.0",
    "2.13.0, 2.15.0",
    "2.15.0-rc1, 2.15.0",
    "2.12.1, 2.12.2",
    "2.4, 2.12.2",
    "2.4.1, 2.12.2",
    "2.0-beta9, 2.3.1",
    "2.0, 2.3.1",
    "2.3, 2.3.1",
    "2.3.1, none",
    "2.12.2, none",
    "2.12.4, none",
    "2.15.0, none",
    "2.17.1, none"
  })
  void log4jCoreVersionsGetTheFixOfTheRangeThatHoldsThem(String installed, String expected) {
    assertEquals(expected, fix("Maven", "org.apache.logging.log4j:log4j-core", installed));
  }

  @ParameterizedTest(name = "jackson-databind {0} -> {1}")
  @CsvSource({
    "2.13.2, 2.13.2.1",
    "2.13.0, 2.13.2.1",
    "2.12.6, 2.12.6.1",
    "2.9.10.8, 2.12.6.1",
    "2.13.2.1, none",
    "2.13.2.2, none",
    "2.12.6.1, none",
    "2.12.7, none",
    "2.14.0-rc1, none"
  })
  void jacksonDatabindFourPartFixesOrderAsMavenDoes(String installed, String expected) {
    assertEquals(expected, fix("Maven", "com.fasterxml.jackson.core:jackson-databind", installed));
  }

  @Test
  void onlyTheAffectedArtifactOfAGroupIsReported() {
    assertEquals("none", fix("Maven", "org.apache.logging.log4j:log4j-api", "2.14.1"));
    assertEquals("none", fix("Maven", "log4j-core", "2.14.1"));
    assertEquals("2.15.0", fix("Maven", "Org.Apache.Logging.Log4j:Log4j-Core", "2.14.1"));
  }

  @Test
  void lodashAndLodashEsBelow41721AreHigh() {
    VulnerabilityMatch m = match("npm", "lodash", "4.17.20").get(0);
    assertEquals("CVE-2021-23337", m.id());
    assertEquals(Severity.High, m.severity());
    assertEquals(7.2, m.score());
    assertEquals("4.17.21", m.fixedVersion());
    assertEquals("4.17.21", fix("npm", "lodash-es", "4.17.15"));
    assertEquals("none", fix("npm", "lodash", "4.17.21"));
    assertEquals("4.17.21", fix("npm", "lodash", "4.17.21-pre"));
    // npm names are taken as written: legacy packages differing only in case exist.
    assertEquals("none", fix("npm", "Lodash", "4.17.20"));
  }

  @Test
  void scopedNpmNamesMatchWholeScopeAndName(@TempDir Path dir) throws Exception {
    // The ranges of GHSA-67hx-6x53-jw92 (CVE-2023-45133) for @babel/traverse.
    VulnDb babel =
        TestDbs.loadRecords(
            dir,
            Map.of(
                "GHSA-67hx-6x53-jw92.json",
                TestDbs.record(
                    "GHSA-67hx-6x53-jw92", "npm", "@babel/traverse",
                    "introduced:0", "fixed:7.23.2", "introduced:8.0.0-alpha.0", "fixed:8.0.0-alpha.4")));
    assertEquals(
        "7.23.2",
        matcher.matchApplications(babel, List.of(app("npm", "@babel/traverse", "7.22.5"))).get(0).fixedVersion());
    assertEquals(
        "8.0.0-alpha.4",
        matcher.matchApplications(babel, List.of(app("npm", "@babel/traverse", "8.0.0-alpha.1"))).get(0).fixedVersion());
    assertEquals(List.of(), matcher.matchApplications(babel, List.of(app("npm", "@babel/traverse", "7.23.2"))));
    assertEquals(List.of(), matcher.matchApplications(babel, List.of(app("npm", "traverse", "7.22.5"))));
    assertEquals(List.of(), matcher.matchApplications(babel, List.of(app("npm", "@babel/core", "7.22.5"))));
  }

  @Test
  void requestsBelow231IsOneFindingMergedFromTheGitHubAndPyPaAdvisories() {
    List<VulnerabilityMatch> matches = match("PyPI", "requests", "2.30.0");
    assertEquals(1, matches.size(), matches.toString());
    VulnerabilityMatch m = matches.get(0);
    assertEquals("CVE-2023-32681", m.id());
    assertEquals(List.of("GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"), m.aliases());
    assertEquals("2.31.0", m.fixedVersion());
    assertEquals(Severity.Medium, m.severity());
    assertEquals(6.1, m.score());
    assertEquals("Unintended leak of Proxy-Authorization header in requests", m.title());
    assertEquals("PyPI", m.ecosystem());
  }

  @ParameterizedTest(name = "requests {0} -> {1}")
  @CsvSource({
    "2.3.0, 2.31.0",
    "2.31.0rc1, 2.31.0",
    "2.30.0.post1, 2.31.0",
    "2.30, 2.31.0",
    "2.2.1, none",
    "2.31.0, none",
    "2.31, none",
    "2.32.3, none",
    "v2.28.1, 2.31.0"
  })
  void requestsVersionsOrderAsPep440(String installed, String expected) {
    assertEquals(expected, fix("PyPI", "requests", installed));
  }

  @Test
  void pypiNamesAreComparedInTheirPep503Form() {
    assertEquals("2.31.0", fix("PyPI", "Requests", "2.30.0"));
    assertEquals("2.31.0", fix("PyPI", " REQUESTS ", "2.30.0"));
    assertEquals("1.26.17", fix("PyPI", "URLLib3", "1.26.16"));
    assertEquals("2.0.6", fix("PyPI", "urllib3", "2.0.5"));
    assertEquals("none", fix("PyPI", "urllib3", "2.0.6"));
    assertEquals("none", fix("PyPI", "urllib3", "1.26.17"));
  }

  @Test
  void pep503NormalisesRunsOfDotsDashesAndUnderscores(@TempDir Path dir) throws Exception {
    VulnDb backports =
        TestDbs.loadRecords(
            dir,
            Map.of("X-1.json", TestDbs.record("X-1", "PyPI", "backports.ssl_match_hostname", "introduced:0", "fixed:3.7.0.1")));
    for (String name : List.of("backports-ssl-match-hostname", "Backports.SSL_Match_Hostname", "backports__ssl..match-_hostname")) {
      assertEquals(
          "3.7.0.1",
          matcher.matchApplications(backports, List.of(app("PyPI", name, "3.5.0.1"))).get(0).fixedVersion(),
          name);
    }
  }

  @Test
  void goStandardLibraryIsMatchedByItsReleaseTagInEitherSpelling() {
    List<VulnerabilityMatch> matches = match("Go", "stdlib", "go1.21.1");
    assertEquals(
        List.of("CVE-2023-39325", "CVE-2023-44487"),
        matches.stream().map(VulnerabilityMatch::id).sorted().toList(),
        "the Go record names two CVEs: one finding each");
    for (VulnerabilityMatch m : matches) {
      assertEquals("1.21.3", m.fixedVersion());
      assertEquals(Severity.Unknown, m.severity(), "Go records carry no severity");
      assertTrue(m.aliases().contains("GO-2023-2102"), m.aliases().toString());
      assertEquals("go1.21.1", m.installedVersion(), "the version as found is reported");
    }
  }

  @ParameterizedTest(name = "stdlib {0} -> {1}")
  @CsvSource({
    "go1.20.9, 1.20.10",
    "1.20.9, 1.20.10",
    "v1.20.9, 1.20.10",
    "go1.20, 1.20.10",
    "go1.21rc2, 1.21.3",
    "go1.21.0, 1.21.3",
    "go1.21.2 X:loopvar, 1.21.3",
    "go1.20.10, none",
    "go1.21.3, none",
    // Without cutting the experiment suffix, 1.20.10-X:boringcrypto would sort as a
    // pre-release below the fix and stay reported (grype #1851).
    "go1.20.10-X:boringcrypto, none",
    "go1.22.1 (Red Hat 1.22.1-1.el9), none"
  })
  void goReleaseTagsOrderAsTheGoVulnerabilityDatabaseWritesThem(String installed, String expected) {
    assertEquals(expected, fix("Go", "stdlib", installed));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "golang.org/x/net, v0.16.0, 0.17.0",
    "golang.org/x/net, v0.0.0-20230905184939-abcdef012345, 0.17.0",
    "golang.org/x/net, v0.17.0, none",
    "golang.org/x/net, v0.18.0, none",
    "golang.org/x/crypto, v0.0.0-20220112180741-5e0467b6c7ce, 0.0.0-20220314234659-1baeb1ce4c0b",
    "golang.org/x/crypto, v0.0.0-20220314234659-1baeb1ce4c0b, none",
    "golang.org/x/crypto, v0.0.0-20220315160706-3147a52a75dd, none",
    "golang.org/x/crypto, v0.1.0, none",
    "golang.org/x/net/http2, v0.16.0, none"
  })
  void goModulesOrderPseudoVersionsByTime(String module, String installed, String expected) {
    assertEquals(expected, fix("Go", module, installed));
  }

  @Test
  void goMainModuleBuiltInACheckoutIsNeverMatched() {
    assertEquals(List.of(), match("Go", "golang.org/x/net", "(devel)"));
    assertEquals(List.of(), match("Go", "golang.org/x/net", " "));
  }

  @Test
  void incompatibleGoModulesCompareWithoutTheirBuildSuffix(@TempDir Path dir) throws Exception {
    // The SEMVER range of GO-2023-1699 (docker/docker, CVE-2023-28840).
    String record =
        """
        {"id":"GO-2023-1699","modified":"2023-04-05T00:00:00Z","aliases":["CVE-2023-28840"],
         "affected":[{"package":{"ecosystem":"Go","name":"github.com/docker/docker"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"1.12.0+incompatible"},
            {"fixed":"20.10.24+incompatible"}]}]}]}
        """;
    VulnDb docker = TestDbs.loadRecords(dir, Map.of("GO-2023-1699.json", record));
    assertEquals(
        "20.10.24+incompatible",
        matcher.matchApplications(docker, List.of(app("Go", "github.com/docker/docker", "v20.10.23+incompatible")))
            .get(0).fixedVersion());
    assertEquals(
        List.of(),
        matcher.matchApplications(docker, List.of(app("Go", "github.com/docker/docker", "v20.10.24+incompatible"))));
    // Go module paths are case-sensitive.
    assertEquals(
        List.of(),
        matcher.matchApplications(docker, List.of(app("Go", "github.com/Docker/docker", "v20.10.23+incompatible"))));
  }

  @ParameterizedTest(name = "rack {0} -> {1}")
  @CsvSource({
    "2.2.3, 2.2.3.1",
    "2.2.0, 2.2.3.1",
    "2.1.4, 2.1.4.1",
    "2.0.9, 2.0.9.1",
    "1.6.13, 2.0.9.1",
    "2.2.3.1, none",
    "2.2.4, none",
    "2.1.4.1, none",
    "2.0.9.1, none",
    "3.0.0, none"
  })
  void rackVersionsOrderAsGemVersion(String installed, String expected) {
    assertEquals(expected, fix("RubyGems", "rack", installed));
  }

  @Test
  void advisoryWithoutCvssGetsTheSeverityWordOfItsDatabase() {
    VulnerabilityMatch rack = match("RubyGems", "rack", "2.2.3").get(0);
    assertEquals(Severity.High, rack.severity());
    assertNull(rack.score());
    VulnerabilityMatch json = match("NuGet", "Newtonsoft.Json", "12.0.3").get(0);
    assertEquals(Severity.Low, json.severity());
    assertEquals("GHSA-5crp-9r3c-p9vr", json.id(), "no CVE: the advisory is its own vulnerability");
    assertEquals("13.0.1", json.fixedVersion());
  }

  @Test
  void nugetIdsAreCaseInsensitiveAndVersionsHaveFourParts() {
    assertEquals("13.0.1", fix("NuGet", "newtonsoft.json", "12.0.3"));
    assertEquals("13.0.1", fix("NuGet", "NEWTONSOFT.JSON", "13.0.1-beta2"));
    assertEquals("none", fix("NuGet", "Newtonsoft.Json", "13.0.1"));
    assertEquals("none", fix("NuGet", "Newtonsoft.Json", "13.0.1.0"));
    assertEquals("13.0.1", fix("NuGet", "Newtonsoft.Json", "13.0.0.9"));
  }

  @ParameterizedTest(name = "guzzle {0} -> {1}")
  @CsvSource({
    "7.4.4, 7.4.5",
    "v7.4.4, 7.4.5",
    "7.0.0, 7.4.5",
    "7.4.5-RC1, 7.4.5",
    "6.5.7, 6.5.8",
    "v6.5.7, 6.5.8",
    "7.4.5, none",
    "6.5.8, none",
    "v7.5.0, none"
  })
  void guzzleVersionsOrderAsComposerDoes(String installed, String expected) {
    assertEquals(expected, fix("Packagist", "guzzlehttp/guzzle", installed));
    assertEquals(expected, fix("Packagist", "GuzzleHttp/Guzzle", installed));
  }

  @ParameterizedTest(name = "time {0} -> {1}")
  @CsvSource({
    "0.1.45, 0.2.23",
    "0.2.22, 0.2.23",
    "0.2.0, 0.2.23",
    "0.2.23, none",
    "0.3.36, none"
  })
  void laterRevisionOfTheTimeAdvisoryWinsOverTheEarlierOne(String installed, String expected) {
    assertEquals(expected, fix("crates.io", "time", installed));
  }

  @Test
  void crateVersionsWithoutPatchNumberAreReadAsSemver(@TempDir Path dir) throws Exception {
    Files.copy(records().resolve("GHSA-wcg3-cvx6-7396@2022-12-06.json"), dir.resolve("old.json"));
    VulnDb old = TestDbs.load(dir);
    assertEquals(0, old.loadReport().problemCount(), old.loadReport().toString());
    List<VulnerabilityMatch> matches =
        matcher.matchApplications(old, List.of(app("crates.io", "time", "0.1.45")));
    assertEquals(1, matches.size());
    assertFalse(matches.get(0).fixable(), "introduced 0.1 without a fix: no fix known");
    assertNull(matches.get(0).fixedVersion());
    // crates.io treats case and - / _ as the same name.
    assertEquals(
        1, matcher.matchApplications(old, List.of(app("crates.io", "Time", "0.2.10"))).size());
  }

  @Test
  void everyCopyOfAPackageIsItsOwnFindingOrderedByPath() {
    List<VulnerabilityMatch> matches =
        matcher.matchApplications(
            db,
            List.of(
                new ApplicationPackage("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "/opt/b/app.jar", "sha256:2"),
                new ApplicationPackage("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "/opt/a/app.jar", "sha256:1"),
                new ApplicationPackage("Maven", "org.apache.logging.log4j:log4j-core", "2.17.1", "/opt/c/app.jar", "sha256:3")));
    assertEquals(List.of("/opt/a/app.jar", "/opt/b/app.jar"), matches.stream().map(VulnerabilityMatch::path).toList());
    assertEquals(List.of("sha256:1", "sha256:2"), matches.stream().map(VulnerabilityMatch::layerDigest).toList());
  }

  @Test
  void packagesOfUnknownEcosystemsOrWithoutNameOrVersionAreSkipped() {
    List<ApplicationPackage> odd = new java.util.ArrayList<>();
    odd.add(null);
    odd.add(new ApplicationPackage("Hex", "plug", "1.0.0", "/x", null));
    odd.add(new ApplicationPackage("Maven:https://maven.google.com/", "org.apache.logging.log4j:log4j-core", "2.14.1", "/x", null));
    odd.add(new ApplicationPackage("maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "/x", null));
    odd.add(new ApplicationPackage(null, "lodash", "4.17.20", "/x", null));
    odd.add(new ApplicationPackage("npm", null, "4.17.20", "/x", null));
    odd.add(new ApplicationPackage("npm", "lodash", null, "/x", null));
    odd.add(new ApplicationPackage("npm", "lodash", "", "/x", null));
    assertEquals(List.of(), matcher.matchApplications(db, odd));
    assertEquals(List.of(), matcher.matchApplications(db, List.of()));
    assertEquals(List.of(), matcher.matchApplications(db, null));
  }

  @Test
  void imageWithoutOsStillHasItsLanguagePackagesMatched() {
    Inventory distroless = new Inventory(null, List.of(), List.of());
    List<VulnerabilityMatch> matches =
        matcher.match(db, distroless, List.of(app("npm", "lodash", "4.17.20"), app("Go", "stdlib", "go1.21.1")));
    assertEquals(
        new TreeSet<>(List.of("CVE-2021-23337", "CVE-2023-39325", "CVE-2023-44487")),
        matches.stream().map(VulnerabilityMatch::id).collect(Collectors.toCollection(TreeSet::new)));
    assertEquals(
        List.of(Severity.High, Severity.Unknown, Severity.Unknown),
        matches.stream().map(VulnerabilityMatch::severity).toList(),
        "worst first");
  }

  @Test
  void listedVersionsMatchExactlyAndLastAffectedHasNoFix(@TempDir Path dir) throws Exception {
    String listed =
        """
        {"id":"PYSEC-X","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},
         "versions":["1.0","1.1"]}]}
        """;
    VulnDb lists =
        TestDbs.loadRecords(
            dir,
            Map.of(
                "PYSEC-X.json", listed,
                "GHSA-Y.json", TestDbs.record("GHSA-Y", "npm", "left-pad", "introduced:1.0.0", "last_affected:1.3.0")));
    assertEquals(1, matcher.matchApplications(lists, List.of(app("PyPI", "pkg", "1.1"))).size());
    // As osv-scanner does, a listed version is compared as text: 1.1.0 is not listed.
    assertEquals(List.of(), matcher.matchApplications(lists, List.of(app("PyPI", "pkg", "1.1.0"))));
    VulnerabilityMatch leftPad = matcher.matchApplications(lists, List.of(app("npm", "left-pad", "1.3.0"))).get(0);
    assertFalse(leftPad.fixable());
    assertEquals(List.of(), matcher.matchApplications(lists, List.of(app("npm", "left-pad", "1.3.1"))));
  }
}
