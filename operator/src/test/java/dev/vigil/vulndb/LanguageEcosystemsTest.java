package dev.vigil.vulndb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageEcosystemsTest {

  /**
   * PEP 503 cases of trivy's Test_NormalizePkgName and osv-scalibr's pythonpurl_test.go (via the
   * shared test data, python/pep503-names.json), plus names from the notes' trap list.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "SecretStorage, secretstorage",
    "pywin32-ctypes, pywin32-ctypes",
    "jaraco.classes, jaraco-classes",
    "green_gdk, green-gdk",
    "foo--bar__baz, foo-bar-baz",
    "test___with_long__underscore, test-with-long-underscore",
    "test.__-with_mixed_.--run, test-with-mixed-run",
    "pyOpenSSL, pyopenssl",
    "backports.ssl_match_hostname, backports-ssl-match-hostname",
    "PyYAML, pyyaml"
  })
  void pypiNamesArePep503Normalised(String name, String normalised) {
    assertEquals(normalised, LanguageEcosystems.normaliseName("PyPI", name));
  }

  @Test
  void namesKeepTheirCaseWhereTheEcosystemDistinguishesIt() {
    assertEquals("@Scope/Name", LanguageEcosystems.normaliseName("npm", " @Scope/Name "));
    assertEquals("github.com/Sirupsen/logrus", LanguageEcosystems.normaliseName("Go", "github.com/Sirupsen/logrus"));
    assertEquals("Rack", LanguageEcosystems.normaliseName("RubyGems", "Rack"));
    assertEquals("org.webjars:jquery", LanguageEcosystems.normaliseName("Maven", "org.webjars:jQuery"));
    assertEquals("newtonsoft.json", LanguageEcosystems.normaliseName("NuGet", "Newtonsoft.Json"));
    assertEquals("symfony/http-kernel", LanguageEcosystems.normaliseName("Packagist", "Symfony/Http-Kernel"));
    assertEquals("serde-json", LanguageEcosystems.normaliseName("crates.io", "Serde_Json"));
    assertEquals("openssl", LanguageEcosystems.normaliseName("Debian:12", " OpenSSL "));
  }

  /**
   * The Go toolchain strings of trivy's TestParseStdlibVersion (shared test data,
   * go/trivy-binary/expected.json stdlib_version_vectors), and release tags without a patch
   * number or with a pre-release, as golang.org/x/vuln converts them.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "go1.22.3|1.22.3",
        "go1.25.3 X:nodwarf5|1.25.3",
        "go1.22.3 X:boringcrypto|1.22.3",
        "go1.26.0-X:nodwarf5|1.26.0",
        "go1.26.0-X:nodwarf5,someother|1.26.0",
        "go1.26.5 (Red Hat 1.26.5-1.el10_2.alma.1)|1.26.5",
        "go1.26.5 (Red Hat 1.26.5-1.el10_2.alma.1) X:jsonv2|1.26.5",
        "go1.20|1.20.0",
        "go1|1.0.0",
        "go1.21rc2|1.21.0-rc.2",
        "go1.9beta1|1.9.0-beta.1",
        "v1.22.3|1.22.3",
        "1.22.3|1.22.3"
      })
  void goToolchainVersionsBecomeTheSemverOfTheGoVulnerabilityDatabase(String found, String semver) {
    assertEquals(semver, LanguageEcosystems.normaliseVersion("Go", "stdlib", found));
    assertEquals(semver, LanguageEcosystems.normaliseVersion("Go", "toolchain", found));
  }

  @Test
  void goModuleVersionsLoseTheirVAndDevelIsNoVersion() {
    assertEquals("1.2.3", LanguageEcosystems.normaliseVersion("Go", "github.com/a/b", "v1.2.3"));
    assertEquals(
        "0.0.0-20220314234659-1baeb1ce4c0b",
        LanguageEcosystems.normaliseVersion("Go", "golang.org/x/crypto", "v0.0.0-20220314234659-1baeb1ce4c0b"));
    assertEquals(
        "20.10.24+incompatible",
        LanguageEcosystems.normaliseVersion("Go", "github.com/docker/docker", "v20.10.24+incompatible"));
    assertNull(LanguageEcosystems.normaliseVersion("Go", "example.com/main", "(devel)"));
    assertNull(LanguageEcosystems.normaliseVersion("npm", "lodash", "  "));
    assertEquals("v1.8.1", LanguageEcosystems.normaliseVersion("Packagist", "a/b", " v1.8.1 "));
  }

  @Test
  void onlyTheEightExactNamesAreLanguageEcosystems() {
    for (String ecosystem : LanguageEcosystems.ALL) {
      assertTrue(LanguageEcosystems.isLanguageEcosystem(ecosystem), ecosystem);
    }
    assertEquals(8, LanguageEcosystems.ALL.size());
    for (String other : new String[] {"pypi", "Maven:https://maven.google.com/", "Hex", "Debian:12", "", "go"}) {
      assertFalse(LanguageEcosystems.isLanguageEcosystem(other), other);
    }
    assertFalse(LanguageEcosystems.isLanguageEcosystem(null));
  }
}
