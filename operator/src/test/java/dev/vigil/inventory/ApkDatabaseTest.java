package dev.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApkDatabaseTest {

  @Test
  void alpineInstalledDatabaseMatchesTrivysExpectedListInFileOrder() {
    ParsedPackages parsed = ApkDatabase.parse(TestData.bytes("trivy-apk/lib/apk/db/installed"));
    List<InstalledPackage> expected =
        TestData.csv("trivy-apk/installed.expected.csv").stream()
            .map(
                row ->
                    new InstalledPackage(
                        "apk",
                        row.get("Name"),
                        row.get("Version"),
                        row.get("SrcName"),
                        row.get("SrcVersion"),
                        row.get("Arch"),
                        null))
            .toList();
    assertEquals(15, expected.size());
    assertEquals(expected, parsed.packages());
    assertEquals(
        List.of("stanza 2 (invalidPackageWithoutAVersion) has no version (V:); skipped"),
        parsed.problems());
  }

  @Test
  void originNamesTheSourcePackage() {
    List<InstalledPackage> packages =
        ApkDatabase.parse(TestData.bytes("trivy-apk/lib/apk/db/installed")).packages();
    assertEquals(
        new InstalledPackage(
            "apk", "libcrypto1.0", "1.0.2h-r1", "openssl", "1.0.2h-r1", "x86_64", null),
        packages.get(5));
    assertEquals(
        new InstalledPackage(
            "apk",
            "test",
            "2.9.11_pre20061021-r2",
            "test-parent",
            "2.9.11_pre20061021-r2",
            "x86_64",
            null),
        packages.get(13));
  }

  @Test
  void missingOriginFallsBackToNameAndMissingArchIsNull() {
    ParsedPackages parsed =
        ApkDatabase.parse("P:foo\nV:1.2-r0\n\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        List.of(new InstalledPackage("apk", "foo", "1.2-r0", "foo", "1.2-r0", null, null)),
        parsed.packages());
  }

  @Test
  void twoPackagesWithoutSeparatingBlankLineAreReported() {
    ParsedPackages parsed =
        ApkDatabase.parse("P:foo\nV:1\nP:bar\nV:2\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        List.of(new InstalledPackage("apk", "foo", "1", "foo", "1", null, null)),
        parsed.packages());
    assertEquals(
        List.of("stanza 1 names two packages (foo, bar); the second is skipped"),
        parsed.problems());
  }

  @Test
  void stanzaWithoutNameIsReported() {
    ParsedPackages parsed = ApkDatabase.parse("V:1\nA:x86_64\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(), parsed.packages());
    assertEquals(List.of("stanza 1 has no package name (P:); skipped"), parsed.problems());
  }
}
