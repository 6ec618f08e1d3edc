package dev.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DpkgDatabaseTest {

  private static final Comparator<InstalledPackage> BY_NAME_ARCH =
      Comparator.comparing(InstalledPackage::name)
          .thenComparing(p -> p.arch() == null ? "" : p.arch());

  /** Rebuilds a Debian version from Trivy's split columns: [epoch:]version[-release]. */
  private static String debianVersion(String epoch, String version, String release) {
    return (epoch.isEmpty() ? "" : epoch + ":")
        + version
        + (release.isEmpty() ? "" : "-" + release);
  }

  private static List<InstalledPackage> trivyExpected(String csv) {
    List<InstalledPackage> expected = new ArrayList<>();
    for (Map<String, String> row : TestData.csv(csv)) {
      expected.add(
          new InstalledPackage(
              "deb",
              row.get("Name"),
              debianVersion(row.get("Epoch"), row.get("Version"), row.get("Release")),
              row.get("SrcName"),
              debianVersion(row.get("SrcEpoch"), row.get("SrcVersion"), row.get("SrcRelease")),
              row.get("Arch"),
              null));
    }
    return expected;
  }

  private static List<InstalledPackage> sorted(List<InstalledPackage> packages) {
    return packages.stream().sorted(BY_NAME_ARCH).toList();
  }

  private static ParsedPackages parse(String path) {
    return DpkgDatabase.parse(TestData.bytes(path));
  }

  @Test
  void ubuntuBionicStatusYields90InstalledPackagesAndSkipsConfigFilesEntry() {
    ParsedPackages parsed = parse("trivy-dpkg/valid/var/lib/dpkg/status");
    List<InstalledPackage> expected = trivyExpected("trivy-dpkg/valid.expected.csv");
    assertEquals(90, expected.size());
    assertEquals(sorted(expected), sorted(parsed.packages()));
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void sourceWithVersionInParenthesesGivesSourceVersionWithoutBinaryEpoch() {
    List<InstalledPackage> packages = parse("trivy-dpkg/valid/var/lib/dpkg/status").packages();
    InstalledPackage bsdutils =
        packages.stream().filter(p -> p.name().equals("bsdutils")).findFirst().orElseThrow();
    assertEquals(
        new InstalledPackage(
            "deb",
            "bsdutils",
            "1:2.31.1-0.4ubuntu3.1",
            "util-linux",
            "2.31.1-0.4ubuntu3.1",
            "amd64",
            null),
        bsdutils);
    InstalledPackage zlib =
        packages.stream().filter(p -> p.name().equals("zlib1g")).findFirst().orElseThrow();
    assertEquals(
        new InstalledPackage(
            "deb",
            "zlib1g",
            "1:1.2.11.dfsg-0ubuntu2",
            "zlib",
            "1:1.2.11.dfsg-0ubuntu2",
            "amd64",
            null),
        zlib);
  }

  @Test
  void corruptedStatusKeepsGoodStanzasAndReportsBrokenOnes() {
    ParsedPackages parsed = parse("trivy-dpkg/corrupsed/var/lib/dpkg/status");
    assertEquals(
        sorted(trivyExpected("trivy-dpkg/corrupsed.expected.csv")), sorted(parsed.packages()));
    assertEquals(
        List.of(
            "stanza 4 (brokenPackageWithNoVersionThatShouldGetThrownOut) has no version; skipped",
            "stanza 6 (invalidpkg) has invalid version '1:5.#': upstream version has an invalid"
                + " character; skipped"),
        parsed.problems());
  }

  @Test
  void remainingTrivyCasesMatchTheirExpectedLists() {
    for (String name : List.of("only-apt", "third-party", "digest", "md5sums")) {
      ParsedPackages parsed = parse("trivy-dpkg/" + name + "/var/lib/dpkg/status");
      assertEquals(
          sorted(trivyExpected("trivy-dpkg/" + name + ".expected.csv")),
          sorted(parsed.packages()),
          name);
      assertEquals(List.of(), parsed.problems(), name);
    }
  }

  @Test
  void distrolessStatusDFileWithoutStatusFieldCountsAsInstalled() {
    ParsedPackages parsed =
        parse("syft-debian/image-distroless-deb/var/lib/dpkg/status.d/libsqlite3-0");
    assertEquals(
        List.of(
            new InstalledPackage(
                "deb", "libsqlite3-0", "3.34.1-3", "sqlite3", "3.34.1-3", "arm64", null)),
        parsed.packages());
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void statusWithEmptyPackageStanzaReportsItAndKeepsLibpam() {
    ParsedPackages parsed = parse("syft-debian/image-dpkg/var/lib/dpkg/status");
    assertEquals(
        List.of(
            new InstalledPackage(
                "deb", "libpam-runtime", "1.1.8-3.6", "pam", "1.1.8-3.6", "all", null)),
        parsed.packages());
    assertEquals(List.of("stanza 1 has no package name; skipped"), parsed.problems());
  }

  @Test
  void coreutilsStanzasKeepEpochsAndBinNmuSourceVersion() {
    ParsedPackages parsed = parse("syft-debian/var/lib/dpkg/status.d/coreutils-relationships");
    assertEquals(
        List.of(
            new InstalledPackage("deb", "coreutils", "9.1-1", "coreutils", "9.1-1", "arm64", null),
            new InstalledPackage("deb", "libacl1", "2.3.1-3", "acl", "2.3.1-3", "arm64", null),
            new InstalledPackage(
                "deb", "libc6", "2.36-9+deb12u1", "glibc", "2.36-9+deb12u1", "arm64", null),
            new InstalledPackage(
                "deb", "libgcc-s1", "12.2.0-14", "gcc-12", "12.2.0-14", "arm64", null),
            new InstalledPackage(
                "deb", "gcc-12-base", "12.2.0-14", "gcc-12", "12.2.0-14", "arm64", null),
            new InstalledPackage(
                "deb", "libattr1", "1:2.5.1-4", "attr", "1:2.5.1-4", "arm64", null),
            new InstalledPackage(
                "deb", "libgmp10", "2:6.2.1+dfsg1-1.1", "gmp", "2:6.2.1+dfsg1-1.1", "arm64", null),
            new InstalledPackage(
                "deb", "libselinux1", "3.4-1+b6", "libselinux", "3.4-1", "arm64", null),
            new InstalledPackage(
                "deb", "libpcre2-8-0", "10.42-1", "pcre2", "10.42-1", "arm64", null)),
        parsed.packages());
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void deinstalledConfigFilesEntryIsLeftOutWithoutProblem() {
    ParsedPackages parsed = parse("syft-debian/var/lib/dpkg/status.d/deinstall");
    assertEquals(
        List.of(
            new InstalledPackage(
                "deb",
                "linux-image-6.14.0-1012-aws",
                "6.14.0-1012.12~24.04.1",
                "linux-signed-aws-6.14",
                "6.14.0-1012.12~24.04.1",
                "amd64",
                null)),
        parsed.packages());
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void multipleStanzasReportNamelessAndVersionlessEntries() {
    ParsedPackages parsed = parse("syft-debian/var/lib/dpkg/status.d/multiple");
    assertEquals(
        List.of(
            new InstalledPackage(
                "deb", "tzdata", "2020a-0+deb10u1", "tzdata-dev", "2020a-0+deb10u1", "all", null),
            new InstalledPackage(
                "deb", "util-linux", "2.33.1-0.1", "util-linux", "2.33.1-0.1", "amd64", null)),
        parsed.packages());
    assertEquals(
        List.of(
            "stanza 1 has no package name; skipped",
            "stanza 2 (no-version) has no version; skipped"),
        parsed.problems());
  }

  @Test
  void singleStanzaWithSourceWithoutVersion() {
    assertEquals(
        List.of(new InstalledPackage("deb", "apt", "1.8.2", "apt-dev", "1.8.2", "amd64", null)),
        parse("syft-debian/var/lib/dpkg/status.d/single").packages());
  }

  @Test
  void statesWithFilesOnDiskAreInstalledOthersAreNot() {
    String status =
        String.join(
            "\n",
            "Package: a",
            "Status: install ok installed",
            "Version: 1",
            "",
            "Package: b",
            "Status: hold ok installed",
            "Version: 1",
            "",
            "Package: c",
            "Status: install ok triggers-pending",
            "Version: 1",
            "",
            "Package: d",
            "Status: install ok half-installed",
            "Version: 1",
            "",
            "Package: e",
            "Status: install reinstreq unpacked",
            "Version: 1",
            "",
            "Package: f",
            "Status: purge ok not-installed",
            "Version: 1",
            "");
    assertEquals(
        List.of("a", "b", "c"),
        DpkgDatabase.parse(status.getBytes(StandardCharsets.UTF_8)).packages().stream()
            .map(InstalledPackage::name)
            .toList());
  }

  @Test
  void crlfLineEndingsAndContinuationLinesAreHandled() {
    String status =
        "Package: x\r\nStatus: install ok installed\r\nDescription: one\r\n two\r\n .\r\n"
            + "Version: 2.0-1\r\nArchitecture: amd64\r\n";
    assertEquals(
        List.of(new InstalledPackage("deb", "x", "2.0-1", "x", "2.0-1", "amd64", null)),
        DpkgDatabase.parse(status.getBytes(StandardCharsets.UTF_8)).packages());
  }

  @Test
  void versionSyntaxFollowsDebianPolicy() {
    assertNull(DpkgDatabase.versionSyntaxError("1:2.31.1-0.4ubuntu3.1"));
    assertNull(DpkgDatabase.versionSyntaxError("5:20.10.7~3-0~debian-buster"));
    assertNull(DpkgDatabase.versionSyntaxError("2020a"));
    assertEquals("epoch is not a number", DpkgDatabase.versionSyntaxError("x:1.0"));
    assertEquals(
        "upstream version does not start with a digit", DpkgDatabase.versionSyntaxError("v1.0-1"));
    assertEquals(
        "revision is empty or has an invalid character", DpkgDatabase.versionSyntaxError("1.0-"));
    assertEquals(
        "upstream version has an invalid character", DpkgDatabase.versionSyntaxError("1.0_2"));
  }

  /**
   * This machine's own dpkg database against dpkg-query. dpkg-query names Multi-Arch: same packages
   * "name:arch"; we keep the plain name and the architecture separately, so the qualifier is
   * stripped and checked against the architecture instead.
   */
  @Test
  void thisMachinesStatusMatchesDpkgQueryExactly() throws Exception {
    Path status = Path.of("/var/lib/dpkg/status");
    assumeTrue(Files.isReadable(status), "not a dpkg-based machine");
    String query =
        dpkgQuery("${binary:Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n");
    List<String> expected = new ArrayList<>();
    for (String line : query.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (!List.of("installed", "triggers-pending", "triggers-awaited").contains(f[3])) {
        continue;
      }
      String name = f[0];
      int colon = name.indexOf(':');
      if (colon >= 0) {
        assertEquals(f[2], name.substring(colon + 1), "arch qualifier of " + name);
        name = name.substring(0, colon);
      }
      expected.add(name + "\t" + f[1] + "\t" + f[2]);
    }
    ParsedPackages parsed = DpkgDatabase.parse(Files.readAllBytes(status));
    List<String> actual =
        parsed.packages().stream()
            .map(p -> p.name() + "\t" + p.version() + "\t" + p.arch())
            .toList();
    assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList());
    assertEquals(List.of(), parsed.problems());
    // The brief's exact query: dpkg-query adds ":arch" to Multi-Arch: same packages only.
    java.util.Set<String> multiArchSame = new java.util.HashSet<>();
    for (String line : dpkgQuery("${Package}:${Architecture}\\t${Multi-Arch}\\n").split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length == 2 && f[1].equals("same")) {
        multiArchSame.add(f[0]);
      }
    }
    List<String> namesAndVersions =
        List.of(dpkgQuery("${binary:Package}\\t${Version}\\n").split("\n"));
    List<String> ours =
        parsed.packages().stream()
            .map(
                p -> {
                  String qualified = p.name() + ":" + p.arch();
                  return (multiArchSame.contains(qualified) ? qualified : p.name())
                      + "\t"
                      + p.version();
                })
            .toList();
    assertEquals(namesAndVersions.stream().sorted().toList(), ours.stream().sorted().toList());
  }

  private static String dpkgQuery(String format) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("dpkg-query", "-W", "-f=" + format).redirectErrorStream(false).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(
        process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "dpkg-query failed");
    return out;
  }
}
