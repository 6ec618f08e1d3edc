package dev.vigil.inventory;

import static dev.vigil.inventory.LayeredTestFiles.digest;
import static dev.vigil.inventory.LayeredTestFiles.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryAnalyzerTest {

  private static final Clock NOV_2026 =
      Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);

  private final InventoryAnalyzer analyzer = new InventoryAnalyzer(NOV_2026);

  private static String stanza(String name, String version) {
    return "Package: "
        + name
        + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: "
        + version
        + "\n\n";
  }

  private static InstalledPackage deb(String name, String version, int layer) {
    return new InstalledPackage("deb", name, version, name, version, "amd64", digest(layer));
  }

  @Test
  void packageUpgradedInLayer2IsAttributedToLayer2AndUntouchedOnesToTheirOwnLayer() {
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer().write("var/lib/dpkg/status", stanza("a", "1.0-1") + stanza("b", "1.0-1")),
            layer()
                .write(
                    "var/lib/dpkg/status",
                    stanza("a", "1.0-1") + stanza("b", "1.0-1") + stanza("c", "3.0-1")),
            layer()
                .write(
                    "var/lib/dpkg/status",
                    stanza("a", "2.0-1") + stanza("b", "1.0-1") + stanza("c", "3.0-1")));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(
        List.of(deb("a", "2.0-1", 2), deb("b", "1.0-1", 0), deb("c", "3.0-1", 1)),
        inventory.packages());
    assertEquals(List.of(), inventory.problems());
  }

  @Test
  void packageRemovedAndReinstalledAtTheSameVersionBelongsToTheReinstallingLayer() {
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer().write("var/lib/dpkg/status", stanza("a", "1.0-1") + stanza("b", "1.0-1")),
            layer().write("var/lib/dpkg/status", stanza("b", "1.0-1")),
            layer().write("var/lib/dpkg/status", stanza("a", "1.0-1") + stanza("b", "1.0-1")));
    assertEquals(
        List.of(deb("a", "1.0-1", 2), deb("b", "1.0-1", 0)), analyzer.analyze(files).packages());
  }

  @Test
  void layerThatRewroteTheDatabaseUnchangedDoesNotTakeOverAttribution() {
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer().write("var/lib/dpkg/status", stanza("a", "1.0-1")),
            layer().write("var/lib/dpkg/status", stanza("a", "1.0-1")));
    assertEquals(List.of(deb("a", "1.0-1", 0)), analyzer.analyze(files).packages());
  }

  @Test
  void distrolessStatusDIsAttributedPerFileAndSkipsControlFiles() {
    byte[] sqlite =
        TestData.bytes("syft-debian/image-distroless-deb/var/lib/dpkg/status.d/libsqlite3-0");
    byte[] md5sums =
        TestData.bytes(
            "syft-debian/image-distroless-deb/var/lib/dpkg/status.d/libsqlite3-0.md5sums");
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer()
                .write("etc/os-release", TestData.bytes("syft-debian/image-dpkg/etc/os-release"))
                .write("var/lib/dpkg/status.d/base-files", stanza("base-files", "12.4+deb12u5"))
                .write("var/lib/dpkg/status.d/libc6", stanza("libc6", "2.36-9+deb12u4")),
            layer()
                .write("var/lib/dpkg/status.d/libc6", stanza("libc6", "2.36-9+deb12u7"))
                .write("var/lib/dpkg/status.d/libsqlite3-0", sqlite)
                .write("var/lib/dpkg/status.d/libsqlite3-0.md5sums", md5sums),
            layer().write("var/lib/dpkg/status.d/tzdata", stanza("tzdata", "2024a-0+deb12u1")));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(
        List.of(
            deb("base-files", "12.4+deb12u5", 0),
            deb("libc6", "2.36-9+deb12u7", 1),
            new InstalledPackage(
                "deb", "libsqlite3-0", "3.34.1-3", "sqlite3", "3.34.1-3", "arm64", digest(1)),
            deb("tzdata", "2024a-0+deb12u1", 2)),
        inventory.packages());
    assertEquals(List.of(), inventory.problems());
    assertEquals(
        // Under Debian LTS until 2028-06-30 (OsEndOfLife), so not end of life in Nov 2026.
        new OsInfo(
            "debian", "12", "Debian GNU/Linux 12 (bookworm)", false, LocalDate.of(2028, 6, 30)),
        inventory.os());
  }

  @Test
  void alpineImageListsApkPackagesAndReportsTheVersionlessStanzaWithItsPath() {
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer()
                .write("etc/os-release", TestData.bytes("os-release/trivy/alpine"))
                .write("lib/apk/db/installed", TestData.bytes("trivy-apk/lib/apk/db/installed")));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(
        new OsInfo("alpine", "3.15", "Alpine Linux v3.15", true, LocalDate.of(2023, 11, 1), "3.15.4"),
        inventory.os());
    assertEquals(15, inventory.packages().size());
    assertTrue(inventory.packages().stream().allMatch(p -> p.layerDigest().equals(digest(0))));
    assertEquals(
        List.of(
            "lib/apk/db/installed: stanza 2 (invalidPackageWithoutAVersion) has no version (V:);"
                + " skipped"),
        inventory.problems());
  }

  @Test
  void databaseDeletedByUpperLayerIsGone() {
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer().write("lib/apk/db/installed", TestData.bytes("trivy-apk/lib/apk/db/installed")),
            layer().delete("lib/apk"));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(List.of(), inventory.packages());
    assertEquals(List.of(), inventory.problems());
  }

  @Test
  void rpmSqliteImageListsAllPackagesFromTheBaseLayer() {
    byte[] db = TestData.bytes("go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite");
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer()
                .write("etc/os-release", TestData.bytes("os-release/trivy/mariner-2.0"))
                .write("var/lib/rpm/rpmdb.sqlite", db),
            layer().write("var/lib/rpm/rpmdb.sqlite", Arrays.copyOf(db, db.length)));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(129, inventory.packages().size());
    assertTrue(inventory.packages().stream().allMatch(p -> p.layerDigest().equals(digest(0))));
    assertEquals(new OsInfo("mariner", "2.0", "CBL-Mariner/Linux", false, null), inventory.os());
    assertEquals(List.of(), inventory.problems());
  }

  @Test
  void newestOfSeveralRpmDatabasesIsReadAndTheStaleOneIsNamed() {
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer().write("var/lib/rpm/Packages", TestData.bytes("go-rpmdb/libuuid/Packages")),
            layer()
                .write(
                    "usr/lib/sysimage/rpm/Packages.db",
                    TestData.bytes("go-rpmdb/sle15-bci/Packages.db")));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(35, inventory.packages().size());
    assertEquals(
        List.of(
            "var/lib/rpm/Packages: another rpm database, usr/lib/sysimage/rpm/Packages.db, was"
                + " written by a later or preferred layer; this one was not read"),
        inventory.problems());
  }

  @Test
  void marinerDistrolessManifestIsReadWhenThereIsNoRpmDatabase() {
    byte[] manifest = TestData.bytes("syft-rpm/var/lib/rpmmanifest/container-manifest-2");
    Inventory distroless =
        analyzer.analyze(
            new LayeredTestFiles(
                layer().write("var/lib/rpmmanifest/container-manifest-2", manifest)));
    assertEquals(5, distroless.packages().size());
    assertEquals(digest(0), distroless.packages().get(4).layerDigest());

    Inventory withDatabase =
        analyzer.analyze(
            new LayeredTestFiles(
                layer()
                    .write("var/lib/rpmmanifest/container-manifest-2", manifest)
                    .write("var/lib/rpm/Packages", TestData.bytes("go-rpmdb/libuuid/Packages"))));
    assertEquals(
        List.of("libuuid"), withDatabase.packages().stream().map(InstalledPackage::name).toList());
  }

  @Test
  void unsupportedRpmDatabaseIsAProblemNotASilentEmptyList() {
    LayeredTestFiles files = new LayeredTestFiles(layer().write("var/lib/rpm/Packages", "garbage"));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(List.of(), inventory.packages());
    assertEquals(
        List.of(
            "var/lib/rpm/Packages: not a known rpm database format (neither SQLite, ndb nor"
                + " BerkeleyDB)"),
        inventory.problems());
  }

  @Test
  void truncatedDatabaseIsReportedAndNotHalfRead() {
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer().writeTruncated("var/lib/dpkg/status", stanza("a", "1.0-1").getBytes()));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(List.of(), inventory.packages());
    assertEquals(
        List.of("var/lib/dpkg/status: larger than 67108864 bytes; not read"), inventory.problems());
  }

  @Test
  void unreadableOlderVersionStopsAttributionAndSaysSo() {
    LayeredTestFiles files =
        new LayeredTestFiles(
            layer().write("var/lib/rpm/Packages", TestData.bytes("go-rpmdb/libuuid/Packages")),
            layer().write("var/lib/rpm/Packages", "garbage"),
            layer().write("var/lib/rpm/Packages", TestData.bytes("go-rpmdb/libuuid/Packages")));
    Inventory inventory = analyzer.analyze(files);
    assertEquals(1, inventory.packages().size());
    assertEquals(digest(2), inventory.packages().get(0).layerDigest());
    assertEquals(
        List.of(
            "var/lib/rpm/Packages: version in layer 1 is unreadable (not a known rpm database"
                + " format (neither SQLite, ndb nor BerkeleyDB)); layer attribution stops there"),
        inventory.problems());
  }

  @Test
  void garbageStatusFileListsTwentyProblemsAndCountsTheRest() {
    StringBuilder garbage = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      garbage.append("Junk: ").append(i).append("\n\n");
    }
    Inventory inventory =
        analyzer.analyze(
            new LayeredTestFiles(layer().write("var/lib/dpkg/status", garbage.toString())));
    assertEquals(21, inventory.problems().size());
    assertEquals(
        "var/lib/dpkg/status: stanza 1 has no package name; skipped", inventory.problems().get(0));
    assertEquals("var/lib/dpkg/status: 5 more problems not listed", inventory.problems().get(20));
  }

  @Test
  void scratchImageHasNoOsNoPackagesNoProblems() {
    Inventory inventory =
        analyzer.analyze(new LayeredTestFiles(layer().write("app/server", "binary")));
    assertNull(inventory.os());
    assertEquals(List.of(), inventory.packages());
    assertEquals(List.of(), inventory.problems());
  }

  @Test
  void selectorsKeepDatabasesAndReleaseFilesOnly() {
    assertTrue(InventoryAnalyzer.SELECTOR.wants().test("var/lib/dpkg/status"));
    assertTrue(InventoryAnalyzer.SELECTOR.wants().test("var/lib/dpkg/status.d/libc6"));
    assertTrue(InventoryAnalyzer.SELECTOR.wants().test("var/lib/dpkg/status.d/libgtk2.0-0"));
    assertFalse(InventoryAnalyzer.SELECTOR.wants().test("var/lib/dpkg/status.d/libc6.md5sums"));
    assertFalse(InventoryAnalyzer.SELECTOR.wants().test("var/lib/dpkg/status.d/sub/x"));
    assertFalse(InventoryAnalyzer.SELECTOR.wants().test("var/lib/dpkg/status-old"));
    assertTrue(InventoryAnalyzer.SELECTOR.wants().test("lib/apk/db/installed"));
    assertTrue(InventoryAnalyzer.SELECTOR.wants().test("usr/lib/sysimage/rpm/rpmdb.sqlite"));
    assertTrue(InventoryAnalyzer.SELECTOR.wants().test("var/lib/rpm/Packages"));
    assertTrue(InventoryAnalyzer.SELECTOR.wants().test("var/lib/rpmmanifest/container-manifest-2"));
    assertFalse(InventoryAnalyzer.SELECTOR.wants().test("etc/os-release"));
    assertEquals(64L * 1024 * 1024, InventoryAnalyzer.SELECTOR.maxBytes());
    assertTrue(InventoryAnalyzer.RELEASE_SELECTOR.wants().test("etc/os-release"));
    assertTrue(InventoryAnalyzer.RELEASE_SELECTOR.wants().test("usr/lib/os-release"));
    assertTrue(InventoryAnalyzer.RELEASE_SELECTOR.wants().test("etc/redhat-release"));
    assertFalse(InventoryAnalyzer.RELEASE_SELECTOR.wants().test("etc/passwd"));
    assertEquals(64L * 1024, InventoryAnalyzer.RELEASE_SELECTOR.maxBytes());
  }
}
