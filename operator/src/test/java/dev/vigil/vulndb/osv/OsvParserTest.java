package dev.vigil.vulndb.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OsvParserTest {

  private final OsvParser parser = new OsvParser();

  static Path fixtures() throws URISyntaxException {
    return Path.of(OsvParserTest.class.getResource("/osv").toURI());
  }

  private OsvRecord fixture(String fileName) throws Exception {
    return parser.parse(Files.readAllBytes(fixtures().resolve(fileName)));
  }

  /** "ecosystem|package|fixed" for every affected entry with a package and ECOSYSTEM range. */
  private static Set<String> ecosystemPackageFixed(OsvRecord record) {
    Set<String> rows = new TreeSet<>();
    for (OsvAffected affected : record.affected()) {
      if (affected.pkg() == null) {
        continue;
      }
      for (OsvRange range : affected.ranges()) {
        if (!"ECOSYSTEM".equals(range.type())) {
          continue;
        }
        String fixed =
            range.events().stream()
                .filter(e -> e.kind() == OsvEvent.Kind.FIXED)
                .map(OsvEvent::fixed)
                .findFirst()
                .orElse("none");
        rows.add(affected.pkg().ecosystem() + "|" + affected.pkg().name() + "|" + fixed);
      }
    }
    return rows;
  }

  @Test
  void parsesAllTwentyOneFixtureRecordsWithTheIdsTheirFileNamesGive() throws Exception {
    List<Path> files;
    try (Stream<Path> list = Files.list(fixtures())) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertEquals(21, files.size());
    for (Path file : files) {
      OsvRecord record = parser.parse(Files.readAllBytes(file));
      String expectedId = file.getFileName().toString().replace(".json", "");
      assertEquals(expectedId, record.id().replace(':', '_'), file.toString());
      assertTrue(record.modified() != null && !record.modified().isBlank(), file.toString());
    }
  }

  @Test
  void debianAdvisoryHasItsPackageFixedVersionAndCveAlias() throws Exception {
    OsvRecord record = fixture("DSA-3029-1.json");
    assertEquals(Set.of("Debian:7|nginx|1.2.1-2.2+wheezy3"), ecosystemPackageFixed(record));
    assertEquals(List.of("CVE-2014-3616"), record.aliases());
  }

  @Test
  void alpineRecordListsSixReleasesAndAnAffectedEntryWithoutPackage() throws Exception {
    OsvRecord record = fixture("CVE-2018-5407.json");
    Set<String> expected = new TreeSet<>();
    for (String release : List.of("v3.3", "v3.4", "v3.5", "v3.6", "v3.7", "v3.8")) {
      expected.add("Alpine:" + release + "|openssl|1.0.2q-r0");
    }
    assertEquals(expected, ecosystemPackageFixed(record));
    List<OsvAffected> withoutPackage =
        record.affected().stream().filter(a -> a.pkg() == null).toList();
    assertEquals(1, withoutPackage.size());
    OsvRange git = withoutPackage.get(0).ranges().get(0);
    assertEquals("GIT", git.type());
    assertTrue(git.repo().contains("github.com/nodejs/node"));
    assertEquals(
        "pkg:apk/alpine/openssl?arch=source",
        record.affected().get(0).pkg().purl());
  }

  @Test
  void alpineMariadbHasOneFixedVersionPerReleaseGroup() throws Exception {
    assertEquals(
        Set.of(
            "Alpine:v3.12|mariadb|10.4.25-r0",
            "Alpine:v3.13|mariadb|10.5.16-r0",
            "Alpine:v3.14|mariadb|10.5.16-r0",
            "Alpine:v3.15|mariadb|10.6.8-r0",
            "Alpine:v3.16|mariadb|10.6.8-r0"),
        ecosystemPackageFixed(fixture("CVE-2022-27449.json")));
  }

  @Test
  void ubuntuNoticesCarryPerReleaseFixesAndUpstreamIds() throws Exception {
    OsvRecord apt = fixture("USN-3863-1.json");
    assertEquals(
        Set.of(
            "Ubuntu:14.04:LTS|apt|1.0.1ubuntu2.19",
            "Ubuntu:16.04:LTS|apt|1.2.29ubuntu0.1",
            "Ubuntu:18.04:LTS|apt|1.6.6ubuntu0.1"),
        ecosystemPackageFixed(apt));
    assertEquals(List.of("UBUNTU-CVE-2019-3462"), apt.upstream());

    OsvRecord bash = fixture("USN-5380-1.json");
    assertEquals(
        Set.of(
            "Ubuntu:Pro:14.04:LTS|bash|4.3-7ubuntu1.8+esm2",
            "Ubuntu:Pro:16.04:LTS|bash|4.3-14ubuntu1.4+esm1",
            "Ubuntu:18.04:LTS|bash|4.4.18-2ubuntu1.3",
            "Ubuntu:20.04:LTS|bash|5.0-6ubuntu1.2"),
        ecosystemPackageFixed(bash));
    assertEquals(List.of("UBUNTU-CVE-2019-18276"), bash.upstream());

    OsvRecord zlib = fixture("USN-5570-1.json");
    assertEquals(
        Set.of(
            "Ubuntu:Pro:14.04:LTS|zlib|1:1.2.8.dfsg-1ubuntu1.1+esm2",
            "Ubuntu:Pro:16.04:LTS|zlib|1:1.2.8.dfsg-2ubuntu4.3+esm2",
            "Ubuntu:18.04:LTS|zlib|1:1.2.11.dfsg-0ubuntu2.2"),
        ecosystemPackageFixed(zlib));
    assertEquals(List.of("UBUNTU-CVE-2022-37434"), zlib.upstream());

    OsvRecord curl = fixture("USN-6237-1.json");
    assertEquals(
        Set.of(
            "Ubuntu:20.04:LTS|curl|7.68.0-1ubuntu2.19",
            "Ubuntu:22.04:LTS|curl|7.81.0-1ubuntu1.11"),
        ecosystemPackageFixed(curl));
    assertEquals(
        List.of("UBUNTU-CVE-2023-28321", "UBUNTU-CVE-2023-28322", "UBUNTU-CVE-2023-32001"),
        curl.upstream());
  }

  @Test
  void ubuntuCveRecordHasNoFixedEventButOneHundredEightyVersions() throws Exception {
    OsvRecord record = fixture("UBUNTU-CVE-2025-38094.json");
    assertEquals(Set.of("Ubuntu:Pro:14.04:LTS|linux|none"), ecosystemPackageFixed(record));
    assertEquals(180, record.affected().get(0).versions().size());
    assertEquals(List.of("CVE-2025-38094"), record.upstream());
    assertEquals(new OsvSeverity("Ubuntu", "medium"), record.severity().get(0));
  }

  @Test
  void almaLinuxAdvisoriesListBinaryPackagesWithOneFixedVersion() throws Exception {
    Map<String, String> fixedById = new TreeMap<>();
    Map<String, Set<String>> packagesById = new TreeMap<>();
    Map<String, String> ecosystemById = new TreeMap<>();
    try (Stream<Path> list = Files.list(fixtures())) {
      for (Path file : list.filter(p -> p.getFileName().toString().startsWith("ALSA-")).toList()) {
        OsvRecord record = parser.parse(Files.readAllBytes(file));
        Set<String> rows = ecosystemPackageFixed(record);
        fixedById.put(
            record.id(),
            rows.stream().map(r -> r.split("\\|")[2]).collect(Collectors.toCollection(TreeSet::new)).toString());
        ecosystemById.put(
            record.id(),
            rows.stream().map(r -> r.split("\\|")[0]).collect(Collectors.toCollection(TreeSet::new)).toString());
        packagesById.put(
            record.id(),
            rows.stream().map(r -> r.split("\\|")[1]).collect(Collectors.toCollection(TreeSet::new)));
      }
    }
    assertEquals(
        Map.of(
            "ALSA-2022:0951", "[2.2.5-8.el8_6.2]",
            "ALSA-2022:1642", "[1.2.11-18.el8_5]",
            "ALSA-2023:1405", "[1:1.1.1k-9.el8_7]",
            "ALSA-2022:6224", "[1:3.0.1-41.el9_0]",
            "ALSA-2022:7314", "[1.2.11-32.el9_0]",
            "ALSA-2023:0333", "[7.76.1-19.el9_1.1]",
            "ALSA-2023:0339", "[3.34.1-6.el9_1]",
            "ALSA-2025:11933", "[3.46.1-5.el10_0]",
            "ALSA-2025:21248", "[1:3.5.1-4.el10_1.alma.1]"),
        fixedById);
    assertEquals("[AlmaLinux:8]", ecosystemById.get("ALSA-2022:0951"));
    assertEquals("[AlmaLinux:9]", ecosystemById.get("ALSA-2023:0333"));
    assertEquals("[AlmaLinux:10]", ecosystemById.get("ALSA-2025:21248"));
    assertEquals(Set.of("expat", "expat-devel"), packagesById.get("ALSA-2022:0951"));
    assertEquals(Set.of("zlib", "zlib-devel", "zlib-static"), packagesById.get("ALSA-2022:1642"));
    assertEquals(
        Set.of("openssl", "openssl-devel", "openssl-libs", "openssl-perl"),
        packagesById.get("ALSA-2023:1405"));
    assertEquals(
        Set.of("curl", "curl-minimal", "libcurl", "libcurl-devel", "libcurl-minimal"),
        packagesById.get("ALSA-2023:0333"));
    assertEquals(
        Set.of("sqlite", "sqlite-devel", "sqlite-libs"), packagesById.get("ALSA-2025:11933"));
  }

  @Test
  void redHatAdvisoriesKeepTheExplicitZeroEpochAndModuleReleases() throws Exception {
    Set<String> expected = new TreeSet<>();
    for (String stream : List.of("rhel_aus", "rhel_e4s", "rhel_tus")) {
      for (String pkg : List.of("git-lfs", "git-lfs-debuginfo", "git-lfs-debugsource")) {
        expected.add("Red Hat:" + stream + ":8.6::appstream|" + pkg + "|0:2.13.3-3.el8_6.1");
      }
    }
    OsvRecord gitLfs = fixture("RHSA-2024_4546.json");
    assertEquals(expected, ecosystemPackageFixed(gitLfs));
    assertEquals(List.of("CVE-2023-45288"), gitLfs.upstream());

    OsvRecord python = fixture("RHSA-2024_6220.json");
    assertEquals(228, python.affected().size());
    assertEquals(
        76, python.affected().stream().map(a -> a.pkg().name()).collect(Collectors.toSet()).size());
    Set<String> rows = ecosystemPackageFixed(python);
    assertTrue(
        rows.contains(
            "Red Hat:rhel_aus:8.6::appstream|PyYAML|0:5.4.1-1.module+el8.5.0+10613+59a13ec4"));
    assertTrue(
        rows.contains(
            "Red Hat:rhel_tus:8.6::appstream|numpy|0:1.19.4-3.module+el8.5.0+12204+54860423"));
    assertEquals(List.of("CVE-2024-6345"), python.upstream());
  }

  @Test
  void recordWithoutAffectedKeyAndRecordWithEmptyAffectedBothParseToNoPackages()
      throws Exception {
    OsvRecord noKey = fixture("RHSA-2022_0216.json");
    assertEquals(List.of(), noKey.affected());
    assertEquals(
        List.of("CVE-2021-44832", "CVE-2021-45046", "CVE-2021-45105"), noKey.relatedIds());
    OsvRecord empty = fixture("SUSE-FU-2022_0444-1.json");
    assertEquals(List.of(), empty.affected());
    assertEquals(51, empty.relatedIds().size());
    assertEquals(352, empty.references().size());
  }

  @Test
  void withdrawnTimeIsRead() throws Exception {
    OsvRecord record =
        parser.parse(
            "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"withdrawn\":\"2024-02-01T00:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertTrue(record.isWithdrawn());
    assertNull(record.summary());
  }

  @Test
  void relatedAsObjectsIsUnderstoodToo() throws Exception {
    OsvRecord record =
        parser.parse(
            "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"related\":[{\"type\":\"SIMILAR_TO\",\"id\":\"Y-2\"},\"Z-3\"]}"
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("Y-2", "Z-3"), record.relatedIds());
  }

  @Test
  void eventWithTwoFieldsHasNoKind() {
    assertNull(new OsvEvent("1.0", "1.1", null, null).kind());
    assertNull(new OsvEvent(null, null, null, null).version());
    assertEquals("2.0", new OsvEvent(null, null, "2.0", null).version());
  }

  @Test
  void rejectsDocumentsThatAreNotOsvRecordsWithAReason() {
    assertMalformed("not json at all", "not an OSV JSON object");
    assertMalformed("[1,2,3]", "not an OSV JSON object");
    assertMalformed("{\"modified\":\"2024-01-01T00:00:00Z\"}", "missing or invalid id");
    assertMalformed("{\"id\":\"has spaces in it\"}", "missing or invalid id");
    assertMalformed("{\"id\":\"X-1\"} trailing", "not an OSV JSON object");
    assertMalformed("{\"id\":\"X-1\",\"affected\":\"should be a list\"}", "not an OSV JSON object");
    assertMalformed("", "not an OSV JSON object");
  }

  private void assertMalformed(String document, String expectedMessageStart) {
    MalformedOsvRecordException e =
        assertThrows(
            MalformedOsvRecordException.class,
            () -> parser.parse(document.getBytes(StandardCharsets.UTF_8)));
    assertTrue(
        e.getMessage().startsWith(expectedMessageStart),
        () -> "message was: " + e.getMessage());
  }
}
