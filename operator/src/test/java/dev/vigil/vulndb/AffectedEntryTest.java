package dev.vigil.vulndb;

import static dev.vigil.vulndb.TestDbs.deb;
import static dev.vigil.vulndb.TestDbs.inventory;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole records: several ranges, explicit version lists, withdrawn, alias merging. */
class AffectedEntryTest {

  @TempDir Path dir;
  private final VulnMatcher matcher = new VulnMatcher();

  private List<String> matches(VulnDb db, String installed) {
    return matcher.match(db, inventory("debian", "12", deb("libfoo1", installed, "foo", installed))).stream()
        .map(m -> m.id() + " " + (m.fixable() ? m.fixedVersion() : "unfixed") + " " + m.severity() + " " + m.aliases())
        .toList();
  }

  @Test
  void versionListedExplicitlyIsAffectedEvenOutsideTheRanges() throws Exception {
    VulnDb db =
        TestDbs.loadRecords(
            dir,
            Map.of(
                "X-1.json",
                """
                {"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"foo"},
                 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0-1"},{"fixed":"2.0-5"}]}],
                 "versions":["1.0-1","1.5-2"]}]}
                """));
    assertEquals(List.of("X-1 2.0-5 Unknown []"), matches(db, "1.5-2"));
    assertEquals(List.of(), matches(db, "1.5-3"));
    assertEquals(List.of("X-1 2.0-5 Unknown []"), matches(db, "2.0-4"));
  }

  @Test
  void versionListWithoutRangesMatchesOnlyListedVersionsAndHasNoFix() throws Exception {
    VulnDb db =
        TestDbs.loadRecords(
            dir,
            Map.of(
                "X-1.json",
                """
                {"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"foo"},
                 "versions":["1.0-1"]}]}
                """));
    assertEquals(List.of("X-1 unfixed Unknown []"), matches(db, "1.0-1"));
    assertEquals(List.of(), matches(db, "1.0-2"));
  }

  @Test
  void severalRangesInOneEntryReportTheHighestFixAmongThoseHoldingTheVersion() throws Exception {
    VulnDb db =
        TestDbs.loadRecords(
            dir,
            Map.of(
                "X-1.json",
                """
                {"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"foo"},
                 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.4-1"}]},
                           {"type":"ECOSYSTEM","events":[{"introduced":"1.0-1"},{"fixed":"1.6-1"}]}]}]}
                """));
    assertEquals(List.of("X-1 1.6-1 Unknown []"), matches(db, "1.2-1"));
    assertEquals(List.of("X-1 1.4-1 Unknown []"), matches(db, "0.9-1"));
    assertEquals(List.of("X-1 1.6-1 Unknown []"), matches(db, "1.5-1"));
  }

  @Test
  void withdrawnRecordIsIgnored() throws Exception {
    VulnDb db =
        TestDbs.loadRecords(
            dir,
            Map.of(
                "X-1.json",
                """
                {"id":"X-1","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z",
                 "affected":[{"package":{"ecosystem":"Debian:12","name":"foo"},
                 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}
                """,
                "Y-1.json",
                TestDbs.record("Y-1", "Debian:12", "foo", "introduced:0", "fixed:2.0-1")));
    assertEquals(List.of("Y-1 2.0-1 Unknown []"), matches(db, "1.0-1"));
    assertEquals(1, db.loadReport().withdrawnRecords());
    assertEquals(1, db.recordCount());
  }

  @Test
  void advisoriesForTheSameCveMergeIntoOneFindingWithTheWorstSeverityAndHighestFix()
      throws Exception {
    VulnDb db =
        TestDbs.loadRecords(
            dir,
            Map.of(
                "DSA-1.json",
                """
                {"id":"DSA-5000-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1111"],
                 "summary":"foo - security update",
                 "references":[{"type":"ADVISORY","url":"https://www.debian.org/security/dsa-5000"}],
                 "affected":[{"package":{"ecosystem":"Debian:12","name":"foo"},
                 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-2+deb12u1"}]}]}]}
                """,
                "DEBIAN-CVE.json",
                """
                {"id":"DEBIAN-CVE-2024-1111","modified":"2024-01-02T00:00:00Z","upstream":["CVE-2024-1111"],
                 "details":"Heap overflow in foo.",
                 "affected":[{"package":{"ecosystem":"Debian:12","name":"foo"},
                 "ecosystem_specific":{"urgency":"high"},
                 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-2+deb12u2"}]}]}]}
                """,
                "OTHER.json",
                TestDbs.record("DEBIAN-CVE-2024-2222", "Debian:12", "foo", "introduced:0")));
    List<VulnerabilityMatch> found =
        matcher.match(db, inventory("debian", "12.4", deb("libfoo1", "1.0-2", "foo", "1.0-2")));
    assertEquals(
        List.of(
            "CVE-2024-1111 1.0-2+deb12u2 High [DEBIAN-CVE-2024-1111, DSA-5000-1] Heap overflow in foo. https://www.debian.org/security/dsa-5000",
            "CVE-2024-2222 unfixed Unknown [DEBIAN-CVE-2024-2222] "
                + " https://osv.dev/vulnerability/DEBIAN-CVE-2024-2222"),
        found.stream()
            .map(
                m ->
                    m.id() + " " + (m.fixable() ? m.fixedVersion() : "unfixed") + " " + m.severity() + " "
                        + m.aliases() + " " + m.title() + " " + m.link())
            .toList());
  }

  @Test
  void binariesOfOneSourceEachGetAFinding() throws Exception {
    VulnDb db =
        TestDbs.loadRecords(
            dir, Map.of("Y-1.json", TestDbs.record("Y-1", "Debian:12", "foo", "introduced:0", "fixed:2.0-1")));
    List<VulnerabilityMatch> found =
        matcher.match(
            db,
            inventory(
                "debian",
                "12",
                deb("libfoo1", "1.0-1", "foo", "1.0-1"),
                deb("foo-utils", "1.0-1", "foo", "1.0-1"),
                deb("libfoo-dev", "1.0-1+b1", "foo", "1.0-1")));
    assertEquals(
        List.of("foo-utils 1.0-1", "libfoo-dev 1.0-1+b1", "libfoo1 1.0-1"),
        found.stream().map(m -> m.packageName() + " " + m.installedVersion()).toList());
  }
}
