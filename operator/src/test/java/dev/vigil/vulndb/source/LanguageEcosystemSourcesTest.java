package dev.vigil.vulndb.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.inventory.OsInfo;
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.vulndb.LanguageEcosystems;
import dev.vigil.vulndb.VulnDb;
import dev.vigil.vulndb.VulnDbLoader;
import dev.vigil.vulndb.VulnMatcher;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Language ecosystems travel through every kind of source like the OS ones: the bucket source
 * fetches {@code <Ecosystem>/all.zip} for exactly the ecosystems an image's packages need, and
 * zip files and directories carry their records. The records are the real advisories of
 * resources/osv-appdeps.
 */
public class LanguageEcosystemSourcesTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T10:00:00Z"), ZoneOffset.UTC);
  private static final Pattern ECOSYSTEM = Pattern.compile("\"ecosystem\": \"([^\"]+)\"");

  @TempDir Path temp;

  private final VulnMatcher matcher = new VulnMatcher();

  private static final List<ApplicationPackage> APPS =
      List.of(
          app("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
          app("PyPI", "requests", "2.30.0"),
          app("crates.io", "time", "0.2.22"));

  private static ApplicationPackage app(String ecosystem, String name, String version) {
    return new ApplicationPackage(ecosystem, name, version, "/app/" + name, "sha256:layer");
  }

  private static Path records() throws Exception {
    return Path.of(LanguageEcosystemSourcesTest.class.getResource("/osv-appdeps").toURI());
  }

  /**
   * The current records (not the older revision) grouped by ecosystem, as all.zip files; also
   * served as a local osv.dev bucket by VulnerabilityFeedBucketTest.
   */
  public static Map<String, byte[]> zipsByEcosystem() throws Exception {
    Map<String, Map<String, String>> byEcosystem = new TreeMap<>();
    try (Stream<Path> files = Files.list(records())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json") && !f.toString().contains("@")).toList()) {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = ECOSYSTEM.matcher(json);
        assertTrue(m.find(), file.toString());
        byEcosystem.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(file.getFileName().toString(), json);
      }
    }
    Map<String, byte[]> zips = new TreeMap<>();
    for (Map.Entry<String, Map<String, String>> e : byEcosystem.entrySet()) {
      zips.put(e.getKey(), TestZips.stored(e.getValue()));
    }
    return zips;
  }

  private static TreeSet<String> ids(List<VulnerabilityMatch> matches) {
    return matches.stream().map(VulnerabilityMatch::id).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void anImageNeedsTheBucketsOfItsOsAndOfItsLanguagePackagesEachOnce() {
    OsInfo debian = new OsInfo("debian", "12", null, false, null);
    List<ApplicationPackage> apps =
        List.of(
            app("Maven", "a:b", "1"),
            app("PyPI", "x", "1"),
            app("Maven", "c:d", "2"),
            app("Hex", "plug", "1.0.0"),
            app("crates.io", "time", "0.3.0"));
    assertEquals(List.of("Debian", "Maven", "PyPI", "crates.io"), LanguageEcosystems.bucketEcosystems(debian, apps));
    assertEquals(List.of("Maven", "PyPI", "crates.io"), LanguageEcosystems.bucketEcosystems(null, apps));
    assertEquals(List.of("Debian"), LanguageEcosystems.bucketEcosystems(debian, List.of()));
    assertEquals(List.of(), LanguageEcosystems.bucketEcosystems(null, List.of()));
  }

  @Test
  void bucketSourceFetchesOnlyTheZipsThePackagesNeedAndTheirAdvisoriesMatch() throws Exception {
    try (BucketServer bucket = new BucketServer()) {
      Map<String, byte[]> zips = zipsByEcosystem();
      assertEquals(LanguageEcosystems.ALL, zips.keySet(), "a zip for each of the eight ecosystems");
      zips.forEach((ecosystem, zip) -> bucket.serve("/" + ecosystem + "/all.zip", zip));

      List<String> needed = LanguageEcosystems.bucketEcosystems(null, APPS);
      CompositeSource source =
          OsvBucketSources.forEcosystems(bucket.uri(), needed, temp, HttpClient.newHttpClient());
      VulnDb db = new VulnDbLoader(CLOCK).load(source);

      assertEquals(
          List.of("/Maven/all.zip", "/PyPI/all.zip", "/crates.io/all.zip"),
          bucket.requested().stream().sorted().toList());
      assertTrue(Files.isRegularFile(temp.resolve("osv/crates.io/content.zip")));
      assertTrue(Files.isRegularFile(temp.resolve("osv/PyPI/content.zip")));
      assertEquals(0, db.loadReport().problemCount(), db.loadReport().toString());
      assertEquals(
          new TreeSet<>(List.of("CVE-2020-26235", "CVE-2021-44228", "CVE-2023-32681")),
          ids(matcher.matchApplications(db, APPS)));
    }
  }

  @Test
  void zipFilesAndDirectoriesCarryLanguageRecords() throws Exception {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> files = Files.list(records())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        all.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    Path zip = temp.resolve("all.zip");
    Files.write(zip, TestZips.stored(all));
    List<ApplicationPackage> everyEcosystem =
        List.of(
            app("Maven", "com.fasterxml.jackson.core:jackson-databind", "2.13.2"),
            app("npm", "lodash", "4.17.20"),
            app("PyPI", "urllib3", "2.0.5"),
            app("Go", "golang.org/x/crypto", "v0.0.0-20220112180741-5e0467b6c7ce"),
            app("RubyGems", "rack", "2.2.3"),
            app("Packagist", "guzzlehttp/guzzle", "7.4.4"),
            app("crates.io", "time", "0.2.22"),
            app("NuGet", "Newtonsoft.Json", "12.0.3"));
    TreeSet<String> expected =
        new TreeSet<>(
            List.of(
                "CVE-2020-36518", "CVE-2021-23337", "CVE-2023-43804", "CVE-2022-27191",
                "CVE-2022-30123", "CVE-2022-31090", "CVE-2020-26235", "GHSA-5crp-9r3c-p9vr"));
    for (VulnDbSource source : List.of(new ZipFileSource(zip), new DirectorySource(records()))) {
      VulnDb db = new VulnDbLoader(CLOCK).load(source);
      assertEquals(expected, ids(matcher.matchApplications(db, everyEcosystem)), source.description());
    }
  }

  /** Used by OciArtifactSourceTest: the current records of some ecosystems, one zip each. */
  static Map<String, byte[]> zips(String... ecosystems) throws Exception {
    Map<String, byte[]> all = zipsByEcosystem();
    Map<String, byte[]> chosen = new TreeMap<>();
    for (String ecosystem : ecosystems) {
      chosen.put(ecosystem + ".zip", all.get(ecosystem));
    }
    return chosen;
  }

  static List<ApplicationPackage> apps() {
    return APPS;
  }
}
