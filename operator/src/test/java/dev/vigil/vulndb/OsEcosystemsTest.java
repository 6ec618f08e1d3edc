package dev.vigil.vulndb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.inventory.OsInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OsEcosystemsTest {

  private static final Set<String> AVAILABLE =
      Set.of(
          "Debian:11", "Debian:12", "Debian:13",
          "Ubuntu:22.04:LTS", "Ubuntu:Pro:22.04:LTS", "Ubuntu:Pro:FIPS-updates:22.04:LTS",
          "Ubuntu:24.10", "Ubuntu:Pro:18.04:LTS", "Ubuntu:18.04:LTS",
          "Alpine:v3.19", "Alpine:v3.20", "Wolfi", "Chainguard",
          "AlmaLinux:9", "AlmaLinux:8", "Rocky Linux:9",
          "Red Hat:enterprise_linux:9::appstream", "Red Hat:enterprise_linux:9::baseos",
          "Red Hat:enterprise_linux:8::baseos", "Red Hat:rhel_eus:9.2::baseos",
          "Red Hat:rhel_eus:9.4::baseos", "Red Hat:openstack:18.0::el9",
          "npm", "PyPI");

  private static List<String> ecosystems(String family, String version) {
    return OsEcosystems.targets(new OsInfo(family, version, null, false, null), AVAILABLE).stream()
        .map(t -> t.ecosystem() + " " + t.key())
        .toList();
  }

  @Test
  void debianUsesTheMajorRelease() {
    assertEquals(List.of("Debian:12 SOURCE"), ecosystems("debian", "12"));
    assertEquals(List.of("Debian:12 SOURCE"), ecosystems("debian", "12.7"));
  }

  @Test
  void ubuntuUsesTheRegularArchiveThenUbuntuProButNotFips() {
    assertEquals(
        List.of("Ubuntu:22.04:LTS SOURCE", "Ubuntu:Pro:22.04:LTS SOURCE"), ecosystems("ubuntu", "22.04"));
    assertEquals(List.of("Ubuntu:24.10 SOURCE"), ecosystems("ubuntu", "24.10"));
  }

  @Test
  void alpineUsesTheBranchOfItsPointRelease() {
    assertEquals(List.of("Alpine:v3.19 SOURCE"), ecosystems("alpine", "3.19.1"));
    assertEquals(List.of(), ecosystems("alpine", "3.21.0"));
  }

  @Test
  void wolfiAndChainguardHaveNoRelease() {
    assertEquals(List.of("Wolfi SOURCE"), ecosystems("wolfi", "20230201"));
    assertEquals(List.of("Chainguard SOURCE", "Wolfi SOURCE"), ecosystems("chainguard", "20230214"));
  }

  @Test
  void rpmDistributionsUseTheMajorReleaseAndBinaryNames() {
    assertEquals(List.of("AlmaLinux:9 BINARY"), ecosystems("almalinux", "9.3"));
    assertEquals(List.of("Rocky Linux:9 BINARY_THEN_SOURCE"), ecosystems("rocky", "9.3"));
  }

  @Test
  void redHatUsesTheMainStreamAndTheStreamsOfItsMinorReleaseOnly() {
    assertEquals(
        List.of(
            "Red Hat:enterprise_linux:9::appstream BINARY",
            "Red Hat:enterprise_linux:9::baseos BINARY",
            "Red Hat:rhel_eus:9.2::baseos BINARY"),
        ecosystems("rhel", "9.2"));
    assertEquals(
        List.of(
            "Red Hat:enterprise_linux:9::appstream BINARY",
            "Red Hat:enterprise_linux:9::baseos BINARY"),
        ecosystems("rhel", "9"));
  }

  @Test
  void unknownOrIncompleteOsHasNoEcosystem() {
    assertEquals(List.of(), ecosystems("arch", "rolling"));
    assertEquals(List.of(), ecosystems("debian", null));
    assertEquals(List.of(), OsEcosystems.targets(null, AVAILABLE));
  }

  @Test
  void bucketEcosystemsNameTheOsvZipsToFetch() {
    assertEquals(List.of("Debian"), OsEcosystems.bucketEcosystems(new OsInfo("debian", "12", null, false, null)));
    assertEquals(
        List.of("Chainguard", "Wolfi"),
        OsEcosystems.bucketEcosystems(new OsInfo("chainguard", "x", null, false, null)));
    assertEquals(List.of("Red Hat"), OsEcosystems.bucketEcosystems(new OsInfo("rhel", "9.4", null, false, null)));
    assertEquals(List.of(), OsEcosystems.bucketEcosystems(new OsInfo("arch", "x", null, false, null)));
  }
}
