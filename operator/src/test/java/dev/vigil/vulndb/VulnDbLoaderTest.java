package dev.vigil.vulndb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.vulndb.source.TestZips;
import dev.vigil.vulndb.source.ZipFileSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VulnDbLoaderTest {

  @TempDir Path dir;

  @Test
  void fixtureRecordsLoadWithEveryEntryAccountedFor() throws Exception {
    VulnDb db = TestDbs.load(TestDbs.fixturesPlus(dir, Map.of()));
    LoadReport report = db.loadReport();
    assertEquals(21, report.documents());
    assertEquals(21, db.recordCount());
    // 228 (python39) + 9 (git-lfs) + 6 + 5 (Alpine) + 1 (DSA) + 3 + 4 + 3 + 2 + 1 (Ubuntu)
    // + 2 + 3 + 4 + 4 + 3 + 5 + 3 + 3 + 4 (AlmaLinux)
    assertEquals(293, report.indexedPackages());
    assertEquals(1, report.entriesWithoutPackage());
    assertEquals(0, report.problemCount());
    assertEquals(List.of(), report.samples());
    assertEquals(Instant.parse("2026-04-27T14:11:31Z"), db.updated());
    assertEquals(TestDbs.CLOCK.instant(), db.loadedAt());
    assertEquals(
        Set.of(
            "Debian:7", "Alpine:v3.3", "Alpine:v3.4", "Alpine:v3.5", "Alpine:v3.6", "Alpine:v3.7",
            "Alpine:v3.8", "Alpine:v3.12", "Alpine:v3.13", "Alpine:v3.14", "Alpine:v3.15",
            "Alpine:v3.16", "Ubuntu:14.04:LTS", "Ubuntu:16.04:LTS", "Ubuntu:18.04:LTS",
            "Ubuntu:20.04:LTS", "Ubuntu:22.04:LTS", "Ubuntu:Pro:14.04:LTS", "Ubuntu:Pro:16.04:LTS",
            "AlmaLinux:8", "AlmaLinux:9", "AlmaLinux:10", "Red Hat:rhel_aus:8.6::appstream",
            "Red Hat:rhel_e4s:8.6::appstream", "Red Hat:rhel_tus:8.6::appstream"),
        db.ecosystems());
  }

  @Test
  void snapshotIdDependsOnlyOnSourceAndContent() throws Exception {
    Path zip = dir.resolve("all.zip");
    Files.write(zip, TestZips.stored(Map.of("A-1.json", TestDbs.record("A-1", "Debian:12", "a", "introduced:0"))));
    VulnDbLoader loader = new VulnDbLoader(TestDbs.CLOCK);
    String first = loader.load(new ZipFileSource(zip)).snapshotId();
    assertEquals(first, loader.load(new ZipFileSource(zip)).snapshotId());
    assertEquals(16, first.length());
    Files.write(zip, TestZips.stored(Map.of("A-1.json", TestDbs.record("A-1", "Debian:12", "a", "introduced:1"))));
    assertNotEquals(first, loader.load(new ZipFileSource(zip)).snapshotId());
  }

  @Test
  void badDataIsSkippedAndCountedWhileGoodRecordsLoad() throws Exception {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("GOOD-1.json", TestDbs.record("GOOD-1", "Debian:12", "foo", "introduced:0", "fixed:1.0-1"));
    entries.put("CORRUPT-1.json", TestDbs.record("CORRUPT-1", "Debian:12", "damaged-entry-marker", "introduced:0"));
    entries.put("MALFORMED-1.json", "{\"id\": \"MALFORMED-1\", \"affected\": ");
    entries.put("NOID.json", "{\"modified\":\"2024-01-01T00:00:00Z\"}");
    // Hex (Erlang/Elixir) is an OSV ecosystem without a version order here.
    entries.put("HEX-1.json", TestDbs.record("HEX-1", "Hex", "plug", "introduced:0"));
    entries.put("ABSURD-1.json", TestDbs.record("ABSURD-1", "Debian:12", "bar", "introduced:0", "fixed:" + "9".repeat(300)));
    entries.put("BADVER-1.json", TestDbs.record("BADVER-1", "Alpine:v3.19", "baz", "introduced:0", "fixed:not a version!"));
    entries.put(
        "WITHDRAWN-1.json",
        "{\"id\":\"WITHDRAWN-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"withdrawn\":\"2024-01-02T00:00:00Z\"}");
    Path zip = dir.resolve("all.zip");
    Files.write(zip, TestZips.damage(TestZips.stored(entries), "damaged-entry-marker"));

    VulnDb db = new VulnDbLoader(TestDbs.CLOCK).load(new ZipFileSource(zip));
    LoadReport report = db.loadReport();
    assertEquals(8, report.documents());
    assertEquals(1, report.unreadableEntries());
    assertEquals(2, report.malformedRecords());
    assertEquals(1, report.withdrawnRecords());
    assertEquals(1, report.unknownEcosystemEntries());
    assertEquals(Map.of("Hex", 1L), report.unknownEcosystems());
    assertEquals(2, report.invalidVersionEntries());
    assertEquals(6, report.problemCount());
    // GOOD, HEX, ABSURD and BADVER are records; only GOOD has a usable entry.
    assertEquals(4, db.recordCount());
    assertEquals(1, report.indexedPackages());
    assertEquals(Set.of("Debian:12"), db.ecosystems());
    assertEquals(
        List.of(
            "all.zip!ABSURD-1.json: ABSURD-1: skipped an affected entry: invalid dpkg version \""
                + "9".repeat(60)
                + "…\"",
            "all.zip!BADVER-1.json: BADVER-1: skipped an affected entry: invalid apk version \"not a version!\"",
            "all.zip!CORRUPT-1.json: corrupt entry: CRC mismatch"),
        report.samples().subList(0, 3));
    assertTrue(report.samples().get(3).startsWith("all.zip!MALFORMED-1.json: not an OSV JSON object"));
    assertEquals("all.zip!NOID.json: missing or invalid id: null", report.samples().get(4));
  }

  @Test
  void laterModifiedDuplicateReplacesTheEarlierOne() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(
        dir.resolve("a/X-1.json"),
        TestDbs.record("X-1", "Debian:12", "foo", "introduced:0", "fixed:1.0-1")
            .replace("2024-01-01T00:00:00Z", "2024-05-01T00:00:00Z"));
    Files.writeString(
        dir.resolve("b/X-1.json"),
        TestDbs.record("X-1", "Debian:12", "foo", "introduced:0", "fixed:0.5-1"));
    VulnDb db = TestDbs.load(dir);
    assertEquals(1, db.recordCount());
    assertEquals(1, db.loadReport().duplicateRecords());
    assertEquals(
        "1.0-1",
        new VulnMatcher()
            .match(db, TestDbs.inventory("debian", "12", TestDbs.deb("foo", "0.9-1", "foo", "0.9-1")))
            .get(0)
            .fixedVersion());
  }

  @Test
  void sourceWithoutAnyUsableRecordFailsTheLoad() throws Exception {
    Files.writeString(dir.resolve("A.json"), "not json");
    VulnDbLoadException e = assertThrows(VulnDbLoadException.class, () -> TestDbs.load(dir));
    assertEquals(
        "source directory "
            + dir.toAbsolutePath()
            + " holds no usable record (1 documents, 1 malformed, 0 unreadable, 0 withdrawn)",
        e.getMessage());
  }

  @Test
  void unreadableSourceFailsTheLoadWithItsReason() {
    VulnDbLoadException e =
        assertThrows(
            VulnDbLoadException.class,
            () -> new VulnDbLoader(TestDbs.CLOCK).load(new ZipFileSource(dir.resolve("missing.zip"))));
    assertEquals("OSV zip file does not exist: " + dir.resolve("missing.zip"), e.getMessage());
  }
}
