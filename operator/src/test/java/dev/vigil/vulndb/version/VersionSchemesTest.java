package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionSchemesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // names as found in the shared OSV test records
        "Debian:7|dpkg",
        "Ubuntu:14.04:LTS|dpkg",
        "Ubuntu:22.04:LTS|dpkg",
        "Ubuntu:Pro:16.04:LTS|dpkg",
        "Alpine:v3.3|apk",
        "Alpine:v3.16|apk",
        "AlmaLinux:8|rpm",
        "AlmaLinux:10|rpm",
        "Red Hat:rhel_aus:8.6::appstream|rpm",
        "Red Hat:rhel_e4s:8.6::appstream|rpm",
        // further names the OSV schema defines
        "Debian:12|dpkg",
        "Debian|dpkg",
        "Ubuntu:Pro:18.04:LTS|dpkg",
        "Alpine:v3.19|apk",
        "Wolfi|apk",
        "Chainguard|apk",
        "MinimOS|apk",
        "Alpaquita:23|apk",
        "BellSoft Hardened Containers|apk",
        "Red Hat:enterprise_linux:9::appstream|rpm",
        "AlmaLinux:9|rpm",
        "Rocky Linux:8|rpm",
        "SUSE:Linux Enterprise Server 15 SP5|rpm",
        "openSUSE:Leap 15.5|rpm",
        "Mariner:2.0|rpm",
        "Azure Linux:3|rpm",
        "openEuler:24.03-LTS|rpm",
        "Photon OS:5.0|rpm",
        "Mageia:9|rpm",
        // language ecosystems, as the OSV schema spells them
        "Maven|maven",
        "PyPI|pep440",
        "RubyGems|rubygems",
        "NuGet|nuget",
        "Packagist|packagist",
        "npm|semver",
        "Go|semver",
        "crates.io|semver"
      })
  void osvEcosystemSelectsItsVersionScheme(String ecosystem, String scheme) {
    assertEquals(
        Optional.of(scheme), VersionSchemes.forOsvEcosystem(ecosystem).map(VersionScheme::name));
  }

  /**
   * Names OSV does not use (case matters), ecosystems without a scheme here, and language
   * ecosystems with a suffix, which names another repository than the public one.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "debian:12", "Alpine Linux", "", ":Debian", "Red", "pypi", "NPM", "maven", "Hex", "Pub",
        "Maven:https://maven.google.com/", "Packagist:https://packages.drupal.org/8", "PyPI:x"
      })
  void otherEcosystemsHaveNoScheme(String ecosystem) {
    assertEquals(Optional.empty(), VersionSchemes.forOsvEcosystem(ecosystem));
  }
}
