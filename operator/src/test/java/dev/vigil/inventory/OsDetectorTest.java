package dev.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OsDetectorTest {

  /** Every regular file below a fixture root, keyed by its path relative to that root. */
  private static Map<String, byte[]> imageTree(String root) throws IOException, URISyntaxException {
    Path base = Path.of(OsDetectorTest.class.getResource("/inventory/" + root).toURI());
    Map<String, byte[]> files = new HashMap<>();
    try (Stream<Path> walk = Files.walk(base)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(base.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return files;
  }

  private static String familyAndVersion(Optional<OsInfo> os) {
    return os.map(o -> o.family() + " " + o.version()).orElse("none");
  }

  @ParameterizedTest(name = "syft/{0} -> {1}")
  @CsvSource({
    "almalinux/from-os-release, almalinux 8",
    "almalinux/from-redhat-release, almalinux 8",
    "alpine, alpine 3.11",
    "amazon, amzn 2",
    "arch, arch null",
    "centos, centos 8",
    "centos5, centos 5",
    "centos6, none",
    "custom, scientific 8",
    "debian/from-debian_version, debian 10",
    "debian/from-os-release, debian 8",
    "debian/with-point-release, debian 13",
    "empty, none",
    "fedora, fedora 36",
    "mariner, mariner 1.0",
    "opensuse-leap, opensuse-leap 15.2",
    "oraclelinux, ol 8",
    "photon, photon 2.0",
    "redhat/from-os-release, rhel 7",
    "redhat/from-redhat-release, rhel 8",
    "rockylinux/from-os-release, rocky 8",
    "rockylinux/from-redhat-release, rocky 8",
    "scientific/from-os-release, scientific 7",
    "scientific/from-redhat-release, scientific 7",
    "sles, sles 15.2",
    "ubuntu, ubuntu 20.04",
    "wolfi, wolfi 20220914",
  })
  void syftImageTrees(String root, String expected) throws Exception {
    assertEquals(
        expected, familyAndVersion(OsDetector.detect(imageTree("os-release/syft/" + root))));
  }

  @ParameterizedTest(name = "trivy/{0} -> {1}")
  @CsvSource({
    "activestate, activestate 1.0",
    "alma, almalinux 9",
    "alpine, alpine 3.15",
    "azurelinux-3.0, azurelinux 3.0",
    "bottlerocket, bottlerocket 1.34.0",
    "centos, centos 7",
    "centos-stream, centos-stream 8",
    "coreos, coreos 3.15.4",
    "echo, echo 1",
    "fedora, fedora 42",
    "mariner-1.0, mariner 1.0",
    "mariner-2.0, mariner 2.0",
    "minimos, minimos 20241031",
    "no-id, none",
    "no-version, alpine null",
    "opensuseleap-15.2.1, opensuse-leap 15.2.1",
    "opensuseleap-42.3, opensuse-leap 42.3",
    "opensusetumbleweed, opensuse-tumbleweed 20220412",
    "oracle, ol 8",
    "photon, photon 4.0",
    "rhel, rhel 9",
    "rocky, rocky 9",
    "slemicro, sle-micro 5.3",
    "slemicro-rancher, sle-micro-rancher 5.4",
    "slemicro6.0, sl-micro 6.0",
    "sles, sles 15.3",
    "unknown, none",
  })
  void trivyOsReleaseFiles(String file, String expected) {
    Map<String, byte[]> files =
        Map.of(OsDetector.ETC_OS_RELEASE, TestData.bytes("os-release/trivy/" + file));
    assertEquals(expected, familyAndVersion(OsDetector.detect(files)));
  }

  @ParameterizedTest(name = "trivy-fallback/{0} at {1} -> {2}")
  @CsvSource({
    "alma.almalinux-release, etc/almalinux-release, almalinux 8",
    "centos.centos-release, etc/centos-release, centos 7",
    "debian_9.debian_version, etc/debian_version, debian 9",
    "debian_sid.debian_version, etc/debian_version, debian null",
    "fedora_29.fedora-release, etc/fedora-release, fedora 29",
    "oracle_7.oracle-release, etc/oracle-release, ol 7",
    "redhat_6.redhat-release, etc/redhat-release, rhel 6",
    "rocky.rocky-release, etc/rocky-release, rocky 8",
    "ubuntu.lsb-release, etc/lsb-release, ubuntu 18.04",
  })
  void trivyFallbackReleaseFiles(String file, String imagePath, String expected) {
    Map<String, byte[]> files =
        Map.of(imagePath, TestData.bytes("os-release/trivy-fallback/" + file));
    assertEquals(expected, familyAndVersion(OsDetector.detect(files)));
  }

  @Test
  void osReleaseWithCapturedShellPromptLineStillParses() {
    Map<String, byte[]> files =
        Map.of(
            OsDetector.ETC_OS_RELEASE,
            TestData.bytes("os-release/osv-scanner/alpine-3.18-os-release"));
    assertEquals(
        Optional.of(new OsInfo("alpine", "3.18", "Alpine Linux v3.18", false, null, "3.18.1")),
        OsDetector.detect(files));
  }

  @Test
  void distrolessTakesVersionFromDebianVersionAndKeepsItsPrettyName() throws Exception {
    assertEquals(
        Optional.of(new OsInfo("debian", "10", "Distroless", false, null, "10.8")),
        OsDetector.detect(imageTree("os-release/syft/debian/from-debian_version")));
  }

  @Test
  void thePointReleaseComesFromDebianVersionWhenItIsNumbered() {
    byte[] osRelease = "ID=debian\nVERSION_ID=\"12\"\n".getBytes(StandardCharsets.UTF_8);
    assertEquals("12.15", OsDetector.detect(Map.of(OsDetector.ETC_OS_RELEASE, osRelease,
        OsDetector.DEBIAN_VERSION, "12.15\n".getBytes(StandardCharsets.UTF_8))).orElseThrow().release());
    assertEquals("12", OsDetector.detect(Map.of(OsDetector.ETC_OS_RELEASE, osRelease)).orElseThrow().release(),
        "without debian_version the release is what os-release says");
    assertEquals("12", OsDetector.detect(Map.of(OsDetector.ETC_OS_RELEASE, osRelease,
        OsDetector.DEBIAN_VERSION, "13.1\n".getBytes(StandardCharsets.UTF_8))).orElseThrow().release(),
        "a debian_version of another release is not taken");
    byte[] ubuntu = "ID=ubuntu\nVERSION_ID=\"20.04\"\n".getBytes(StandardCharsets.UTF_8);
    assertEquals("20.04", OsDetector.detect(Map.of(OsDetector.ETC_OS_RELEASE, ubuntu,
        OsDetector.DEBIAN_VERSION, "bullseye/sid\n".getBytes(StandardCharsets.UTF_8))).orElseThrow().release(),
        "Ubuntu's debian_version names Debian testing, not Ubuntu's release");
  }

  @Test
  void supportEndFromOsReleaseIsKeptAsDate() throws Exception {
    assertEquals(
        Optional.of(
            new OsInfo(
                "fedora",
                "36",
                "Fedora Linux 36 (Container Image)",
                false,
                java.time.LocalDate.of(2023, 5, 16))),
        OsDetector.detect(imageTree("os-release/syft/fedora")));
  }

  @Test
  void etcOsReleaseWinsOverUsrLibOsRelease() {
    Map<String, byte[]> files =
        Map.of(
            OsDetector.ETC_OS_RELEASE,
                "ID=alpine\nVERSION_ID=3.19.1\n".getBytes(StandardCharsets.UTF_8),
            OsDetector.USR_LIB_OS_RELEASE,
                "ID=debian\nVERSION_ID=12\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("alpine 3.19", familyAndVersion(OsDetector.detect(files)));
  }

  @Test
  void osReleaseWinsOverLsbReleaseAndDebianVersionOnUbuntu() {
    Map<String, byte[]> files =
        Map.of(
            OsDetector.USR_LIB_OS_RELEASE, TestData.bytes("os-release/syft/ubuntu/etc/os-release"),
            OsDetector.DEBIAN_VERSION, "bullseye/sid\n".getBytes(StandardCharsets.UTF_8),
            OsDetector.LSB_RELEASE, TestData.bytes("os-release/trivy-fallback/ubuntu.lsb-release"));
    assertEquals("ubuntu 20.04", familyAndVersion(OsDetector.detect(files)));
  }

  @Test
  void quotedValuesWithEscapesAndTrailingCommentsAreUnquotedAsByAShell() {
    Map<String, String> fields =
        OsReleaseFields.parse(
            "# comment\nNAME=\"A \\\"quoted\\\" \\$name\"\nID='single'\nVERSION_ID=1.2 # note\n"
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(Map.of("NAME", "A \"quoted\" $name", "ID", "single", "VERSION_ID", "1.2"), fields);
  }

  /**
   * This machine's own release file, compared with what a shell reads from it (os-release is
   * defined as a shell-sourceable file). On the build machines this is Debian 12.
   */
  @Test
  void thisMachinesOsReleaseMatchesWhatTheShellReads() throws Exception {
    Path osRelease = Path.of("/etc/os-release");
    assumeTrue(Files.isReadable(osRelease), "no /etc/os-release");
    Process shell =
        new ProcessBuilder("sh", "-c", ". /etc/os-release; printf '%s %s' \"$ID\" \"$VERSION_ID\"")
            .start();
    String expected = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(shell.waitFor() == 0, "cannot source /etc/os-release");
    String id = expected.substring(0, expected.indexOf(' '));
    String versionId = expected.substring(expected.indexOf(' ') + 1);
    Optional<OsInfo> os =
        OsDetector.detect(Map.of(OsDetector.ETC_OS_RELEASE, Files.readAllBytes(osRelease)));
    assertEquals(id + " " + OsDetector.advisoryVersion(id, versionId), familyAndVersion(os));
    if (id.equals("debian")) {
      assertEquals("debian 12", familyAndVersion(os));
    }
  }
}
