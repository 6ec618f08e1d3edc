package dev.vigil.vulndb;

import static dev.vigil.vulndb.TestDbs.apk;
import static dev.vigil.vulndb.TestDbs.deb;
import static dev.vigil.vulndb.TestDbs.inventory;
import static dev.vigil.vulndb.TestDbs.rpm;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.Severity;
import dev.vigil.inventory.Inventory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VulnMatcherTest {

  private static VulnDb fixtures;
  private final VulnMatcher matcher = new VulnMatcher();

  @BeforeAll
  static void loadFixtures(@TempDir Path dir) throws Exception {
    fixtures = TestDbs.load(TestDbs.fixturesPlus(dir, Map.of()));
  }

  private List<VulnerabilityMatch> match(Inventory inventory) {
    return matcher.match(fixtures, inventory);
  }

  @Test
  void vulnerableDebianPackageIsFoundUnderItsCveWithTheExactFixedVersion() {
    List<VulnerabilityMatch> matches =
        match(inventory("debian", "7", deb("nginx-full", "1.2.1-2.2+wheezy2", "nginx", "1.2.1-2.2+wheezy2")));
    assertEquals(
        List.of(
            new VulnerabilityMatch(
                "CVE-2014-3616",
                List.of("DSA-3029-1"),
                "nginx-full",
                "nginx",
                "1.2.1-2.2+wheezy2",
                "1.2.1-2.2+wheezy3",
                true,
                Severity.Unknown,
                null,
                "nginx - security update",
                "sha256:layer-nginx-full",
                "https://www.debian.org/security/2014/dsa-3029",
                null,
                null)),
        matches);
  }

  @Test
  void packageAtTheFixedVersionIsNotReported() {
    assertEquals(
        List.of(),
        match(inventory("debian", "7", deb("nginx", "1.2.1-2.2+wheezy3", "nginx", "1.2.1-2.2+wheezy3"))));
    assertEquals(
        List.of(),
        match(inventory("debian", "7", deb("nginx", "1.2.2-1", "nginx", "1.2.2-1"))));
  }

  @Test
  void otherReleaseOrUnknownOsFindsNothing() {
    assertEquals(
        List.of(),
        match(inventory("debian", "12", deb("nginx", "1.2.1-2.2+wheezy2", "nginx", "1.2.1-2.2+wheezy2"))));
    assertEquals(
        List.of(),
        match(inventory("arch", "rolling", deb("nginx", "1.2.1-2.2+wheezy2", "nginx", "1.2.1-2.2+wheezy2"))));
    assertEquals(
        List.of(),
        matcher.match(fixtures, new Inventory(null, List.of(deb("nginx", "1", "nginx", "1")), List.of())));
  }

  /** The Ubuntu 18.04 packages of the trivy-dpkg fixture that the shared README lists. */
  @Test
  void ubuntuBionicPackagesMatchTheirNoticesOnTheSourcePackage() {
    List<VulnerabilityMatch> matches =
        match(
            inventory(
                "ubuntu",
                "18.04",
                deb("bash", "4.4.18-2ubuntu1", "bash", "4.4.18-2ubuntu1"),
                deb("apt", "1.6.3ubuntu0.1", "apt", "1.6.3ubuntu0.1"),
                deb("zlib1g", "1:1.2.11.dfsg-0ubuntu2", "zlib", "1:1.2.11.dfsg-0ubuntu2"),
                deb("base-files", "10.1ubuntu2.2", "base-files", "10.1ubuntu2.2")));
    assertEquals(
        List.of(
            "CVE-2019-18276 bash [UBUNTU-CVE-2019-18276, USN-5380-1] 4.4.18-2ubuntu1.3",
            "CVE-2019-3462 apt [UBUNTU-CVE-2019-3462, USN-3863-1] 1.6.6ubuntu0.1",
            "CVE-2022-37434 zlib1g [UBUNTU-CVE-2022-37434, USN-5570-1] 1:1.2.11.dfsg-0ubuntu2.2"),
        matches.stream()
            .map(m -> m.id() + " " + m.packageName() + " " + m.aliases() + " " + m.fixedVersion())
            .toList());
    VulnerabilityMatch zlib = matches.get(2);
    assertEquals("zlib", zlib.sourcePackage());
    assertEquals("1:1.2.11.dfsg-0ubuntu2", zlib.installedVersion());
    assertEquals("zlib vulnerability", zlib.title());
    assertEquals("https://ubuntu.com/security/notices/USN-5570-1", zlib.link());
  }

  @Test
  void noticeCoveringThreeCvesGivesOneFindingPerCve() {
    List<VulnerabilityMatch> matches =
        match(
            inventory(
                "ubuntu",
                "22.04",
                deb("libcurl4", "7.81.0-1ubuntu1.10", "curl", "7.81.0-1ubuntu1.10")));
    assertEquals(
        List.of(
            "CVE-2023-28321 [UBUNTU-CVE-2023-28321, USN-6237-1] 7.81.0-1ubuntu1.11",
            "CVE-2023-28322 [UBUNTU-CVE-2023-28322, USN-6237-1] 7.81.0-1ubuntu1.11",
            "CVE-2023-32001 [UBUNTU-CVE-2023-32001, USN-6237-1] 7.81.0-1ubuntu1.11"),
        matches.stream().map(m -> m.id() + " " + m.aliases() + " " + m.fixedVersion()).toList());
  }

  @Test
  void unfixedVulnerabilityIsReportedAsNotFixable() {
    List<VulnerabilityMatch> matches =
        match(
            inventory(
                "ubuntu",
                "14.04",
                deb("linux-image-generic", "3.13.0-206.257", "linux", "3.13.0-206.257")));
    assertEquals(1, matches.size());
    VulnerabilityMatch linux = matches.get(0);
    assertEquals("CVE-2025-38094", linux.id());
    assertEquals(List.of("UBUNTU-CVE-2025-38094"), linux.aliases());
    assertEquals(null, linux.fixedVersion());
    assertEquals(false, linux.fixable());
    assertEquals(Severity.Medium, linux.severity());
    assertEquals(null, linux.score());
    assertEquals("https://osv.dev/vulnerability/UBUNTU-CVE-2025-38094", linux.link());
  }

  @Test
  void alpinePackagesMatchOnTheirOrigin() {
    List<VulnerabilityMatch> matches =
        match(
            inventory(
                "alpine",
                "3.4.6",
                apk("libcrypto1.0", "1.0.2h-r1", "openssl"),
                apk("libssl1.0", "1.0.2h-r1", "openssl"),
                apk("musl", "1.1.14-r12", "musl")));
    assertEquals(
        List.of(
            "CVE-2018-5407 libcrypto1.0 1.0.2q-r0 Medium 4.7",
            "CVE-2018-5407 libssl1.0 1.0.2q-r0 Medium 4.7"),
        matches.stream()
            .map(m -> m.id() + " " + m.packageName() + " " + m.fixedVersion() + " " + m.severity() + " " + m.score())
            .toList());
    assertEquals(List.of(), matches.get(0).aliases());
  }

  @Test
  void almaLinuxMatchesBinaryNamesAndCompareEpochs() {
    List<VulnerabilityMatch> matches =
        match(
            inventory(
                "almalinux",
                "9.0",
                rpm("openssl-libs", "1:3.0.1-40.el9_0", "openssl"),
                rpm("zlib", "1.2.11-32.el9_0", "zlib"),
                rpm("sqlite-libs", "3.34.1-5.el9", "sqlite")));
    assertEquals(
        List.of(
            "ALSA-2022:6224 openssl-libs 1:3.0.1-41.el9_0 Medium",
            "ALSA-2023:0339 sqlite-libs 3.34.1-6.el9_1 Medium"),
        matches.stream()
            .map(m -> m.id() + " " + m.packageName() + " " + m.fixedVersion() + " " + m.severity())
            .toList());
  }

  @Test
  void redHatMinorStreamsOfTheSameAdvisoryGiveOneFindingUnderItsCve() {
    List<VulnerabilityMatch> matches =
        match(inventory("rhel", "8.6", rpm("git-lfs", "2.13.3-3.el8_6", "git-lfs")));
    assertEquals(
        List.of(
            new VulnerabilityMatch(
                "CVE-2023-45288",
                List.of("RHSA-2024:4546"),
                "git-lfs",
                "git-lfs",
                "2.13.3-3.el8_6",
                "0:2.13.3-3.el8_6.1",
                true,
                Severity.High,
                7.5,
                "Red Hat Security Advisory: git-lfs security update",
                "sha256:layer-git-lfs",
                "https://access.redhat.com/errata/RHSA-2024:4546",
                null,
                null)),
        matches);
    // The explicit "0:" epoch of the fix equals no epoch at all.
    assertEquals(
        List.of(), match(inventory("rhel", "8.6", rpm("git-lfs", "2.13.3-3.el8_6.1", "git-lfs"))));
  }

  @Test
  void findingsAreSortedBySeverityThenId() {
    List<VulnerabilityMatch> matches =
        match(
            inventory(
                "almalinux",
                "8.5",
                rpm("zlib", "1.2.11-17.el8", "zlib"),
                rpm("openssl-libs", "1:1.1.1k-8.el8_6", "openssl"),
                rpm("expat", "2.2.5-8.el8", "expat"),
                rpm("curl", "7.61.1-22.el8", "curl")));
    assertEquals(
        List.of("ALSA-2022:0951 High", "ALSA-2022:1642 High", "ALSA-2023:1405 High"),
        matches.stream().map(m -> m.id() + " " + m.severity()).toList());
  }
}
