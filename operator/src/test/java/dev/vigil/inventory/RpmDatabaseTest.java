package dev.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RpmDatabaseTest {

  private static final Pattern SRPM = Pattern.compile("^(.*)-([^-]*)-([^-]*)\\.src\\.rpm$");

  /** What rpm -qa printed for a row, in the shape InstalledPackage promises. */
  private static InstalledPackage expected(Map<String, String> row) {
    String epoch = row.get("epoch");
    String prefix = epoch.isEmpty() || epoch.equals("0") ? "" : epoch + ":";
    Matcher srpm = SRPM.matcher(row.get("sourcerpm"));
    assertTrue(srpm.matches(), row.get("sourcerpm"));
    return new InstalledPackage(
        "rpm",
        row.get("name"),
        prefix + row.get("version") + "-" + row.get("release"),
        srpm.group(1),
        prefix + srpm.group(2) + "-" + srpm.group(3),
        row.get("arch"),
        null);
  }

  @Test
  void sqliteDatabaseOfMariner2ListsAll129PackagesInRpmOrder() {
    ParsedPackages parsed =
        RpmDatabase.parse(TestData.bytes("go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite"));
    List<InstalledPackage> expected =
        TestData.csv("go-rpmdb/cbl-mariner-2.0/packages.rpm-qa.csv").stream()
            .map(RpmDatabaseTest::expected)
            .toList();
    assertEquals(129, expected.size());
    assertEquals(expected, parsed.packages());
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void sqliteDatabaseWritesNonZeroEpochAndKeepsSourceNameFromSourceRpm() {
    ParsedPackages parsed =
        RpmDatabase.parse(TestData.bytes("go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite"));
    assertTrue(
        parsed
            .packages()
            .contains(
                new InstalledPackage(
                    "rpm",
                    "ca-certificates-base",
                    "1:2.0.0-1.cm2",
                    "ca-certificates",
                    "1:2.0.0-1.cm2",
                    "noarch",
                    null)));
    assertEquals(
        new InstalledPackage(
            "rpm", "openssl-libs", "1.1.1k-7.cm2", "openssl", "1.1.1k-7.cm2", "x86_64", null),
        parsed.packages().get(4));
  }

  @Test
  void ndbDatabaseOfSle15ListsAll35Packages() {
    ParsedPackages parsed = RpmDatabase.parse(TestData.bytes("go-rpmdb/sle15-bci/Packages.db"));
    List<InstalledPackage> expected =
        TestData.csv("go-rpmdb/sle15-bci/packages.expected.csv").stream()
            .map(RpmDatabaseTest::expected)
            .toList();
    assertEquals(35, expected.size());
    assertEquals(expected, parsed.packages());
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void berkeleyDbDatabaseOfRhel8ListsLibuuid() {
    ParsedPackages parsed = RpmDatabase.parse(TestData.bytes("go-rpmdb/libuuid/Packages"));
    assertEquals(
        List.of(
            new InstalledPackage(
                "rpm",
                "libuuid",
                "2.32.1-42.el8_8",
                "util-linux",
                "2.32.1-42.el8_8",
                "x86_64",
                null)),
        parsed.packages());
    assertEquals(
        TestData.csv("go-rpmdb/libuuid/packages.rpm-qa.csv").stream()
            .map(RpmDatabaseTest::expected)
            .toList(),
        parsed.packages());
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void berkeleyDbDatabaseOfCentos8ListsDive() {
    ParsedPackages parsed = RpmDatabase.parse(TestData.bytes("syft-rpm/var/lib/rpm/Packages"));
    assertEquals(
        List.of(new InstalledPackage("rpm", "dive", "0.9.2-1", "dive", "0.9.2-1", "x86_64", null)),
        parsed.packages());
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void unknownFormatIsReportedAsProblem() {
    ParsedPackages parsed =
        RpmDatabase.parse("this is not a database".getBytes(StandardCharsets.US_ASCII));
    assertEquals(List.of(), parsed.packages());
    assertEquals(
        List.of("not a known rpm database format (neither SQLite, ndb nor BerkeleyDB)"),
        parsed.problems());
  }

  @Test
  void truncatedBerkeleyDbIsReportedWithPageCounts() {
    byte[] full = TestData.bytes("go-rpmdb/libuuid/Packages");
    ParsedPackages parsed = RpmDatabase.parse(Arrays.copyOf(full, 8192));
    assertEquals(List.of(), parsed.packages());
    assertEquals(
        List.of(
            "BerkeleyDB database declares 23 pages of 4096 bytes but the file has only 8192 bytes"),
        parsed.problems());
  }

  @Test
  void berkeleyDbOverflowChainPointingOutsideTheFileIsReported() {
    byte[] db = TestData.bytes("go-rpmdb/libuuid/Packages").clone();
    corruptFirstOffPageReference(db, 0x7fff);
    ParsedPackages parsed = RpmDatabase.parse(db);
    assertEquals(List.of(), parsed.packages());
    assertEquals(
        List.of("BerkeleyDB overflow chain points to page 32767 (out of range or a loop)"),
        parsed.problems());
  }

  @Test
  void berkeleyDbBtreeDatabaseIsReportedAsUnsupported() {
    byte[] db = new byte[4096];
    ByteBuffer.wrap(db).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 0x053162);
    assertThrows(MalformedDatabaseException.class, () -> RpmBerkeleyDb.headerBlobs(db));
    assertEquals(
        List.of("BerkeleyDB btree database is not supported (rpm Packages uses the hash method)"),
        RpmDatabase.parse(db).problems());
  }

  @Test
  void ndbSlotWithBadMagicIsReported() {
    byte[] db = TestData.bytes("go-rpmdb/sle15-bci/Packages.db").clone();
    db[48] = 'X';
    assertEquals(
        List.of("rpm ndb slot at byte 48 has a bad magic"), RpmDatabase.parse(db).problems());
  }

  @Test
  void ndbSlotPointingPastTheEndIsReported() {
    byte[] db = TestData.bytes("go-rpmdb/sle15-bci/Packages.db").clone();
    ByteBuffer.wrap(db).order(ByteOrder.LITTLE_ENDIAN).putInt(32 + 8, 0x7fffffff);
    assertEquals(
        List.of("rpm ndb package 1 points outside the file"), RpmDatabase.parse(db).problems());
  }

  @Test
  void corruptSqliteIsReportedNotThrown() {
    byte[] db = TestData.bytes("go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite");
    ParsedPackages parsed = RpmDatabase.parse(Arrays.copyOf(db, 4096));
    assertEquals(List.of(), parsed.packages());
    assertEquals(1, parsed.problems().size());
    assertTrue(
        parsed.problems().get(0).startsWith("rpm sqlite database is unreadable: "),
        parsed.problems().get(0));
  }

  @Test
  void headerWithDataLengthBeyondTheBlobIsRejected() {
    byte[] blob = new byte[8 + 16];
    ByteBuffer.wrap(blob).putInt(0, 1).putInt(4, 100);
    MalformedDatabaseException e =
        assertThrows(MalformedDatabaseException.class, () -> RpmHeader.parse(blob));
    assertEquals(
        "rpm header declares 124 bytes (1 index entries, 100 data bytes) but the blob has 24",
        e.getMessage());
  }

  @Test
  void headerWithUnterminatedNameIsRejected() {
    ByteBuffer blob = ByteBuffer.allocate(8 + 16 + 4);
    blob.putInt(1).putInt(4).putInt(RpmHeader.TAG_NAME).putInt(6).putInt(0).putInt(1);
    blob.put("abcd".getBytes(StandardCharsets.US_ASCII));
    MalformedDatabaseException e =
        assertThrows(MalformedDatabaseException.class, () -> RpmHeader.parse(blob.array()));
    assertEquals(
        "rpm header tag 1000 string is not terminated inside the data store", e.getMessage());
  }

  @Test
  void headerWithOffsetOutsideDataStoreIsRejected() {
    ByteBuffer blob = ByteBuffer.allocate(8 + 16 + 4);
    blob.putInt(1).putInt(4).putInt(RpmHeader.TAG_NAME).putInt(6).putInt(9).putInt(1);
    MalformedDatabaseException e =
        assertThrows(MalformedDatabaseException.class, () -> RpmHeader.parse(blob.array()));
    assertEquals("rpm header tag 1000 offset 9 is outside the data store", e.getMessage());
  }

  @Test
  void laterIndexEntryOfTheSameTagWinsAsRpmDribblesDo() {
    byte[] data = "old\0new\0".getBytes(StandardCharsets.US_ASCII);
    byte[] strings = "1.0\0".getBytes(StandardCharsets.US_ASCII);
    byte[] release = "2\0".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer blob =
        ByteBuffer.allocate(8 + 4 * 16 + data.length + strings.length + release.length);
    int dl = data.length + strings.length + release.length;
    blob.putInt(4).putInt(dl);
    blob.putInt(RpmHeader.TAG_NAME).putInt(6).putInt(0).putInt(1);
    blob.putInt(RpmHeader.TAG_VERSION).putInt(6).putInt(data.length).putInt(1);
    blob.putInt(RpmHeader.TAG_RELEASE).putInt(6).putInt(data.length + strings.length).putInt(1);
    blob.putInt(RpmHeader.TAG_NAME).putInt(6).putInt(4).putInt(1);
    blob.put(data).put(strings).put(release);
    assertEquals(new RpmHeader("new", "1.0", "2", null, null, null), RpmHeader.parse(blob.array()));
  }

  /** Points the first off-page item of the libuuid database at another page number. */
  private static void corruptFirstOffPageReference(byte[] db, int page) {
    ByteBuffer buf = ByteBuffer.wrap(db).order(ByteOrder.LITTLE_ENDIAN);
    int pageSize = buf.getInt(20);
    for (int p = 1; p * pageSize < db.length; p++) {
      int base = p * pageSize;
      if ((db[base + 25] & 0xff) != 13) {
        continue;
      }
      int entries = buf.getShort(base + 20) & 0xffff;
      for (int i = 1; i < entries; i += 2) {
        int item = base + (buf.getShort(base + 26 + 2 * i) & 0xffff);
        if (db[item] == 3) {
          buf.putInt(item + 4, page);
          return;
        }
      }
    }
    throw new IllegalStateException("no off-page item found");
  }
}
