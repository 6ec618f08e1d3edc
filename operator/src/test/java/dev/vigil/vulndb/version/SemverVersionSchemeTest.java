package dev.vigil.vulndb.version;

import static dev.vigil.vulndb.version.OrderAssertions.assertAscending;
import static dev.vigil.vulndb.version.OrderAssertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SemverVersionSchemeTest {

  private final SemverVersionScheme semver = SemverVersionScheme.INSTANCE;

  @Test
  void precedenceFollowsTheSemverSpecificationExample() {
    assertAscending(semver,
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0");
  }

  @Test
  void leadingVIsIgnored() {
    assertSame(semver, "v1.2.3", "1.2.3");
    assertSame(semver, "V1.2.3-rc.1", "1.2.3-rc.1");
  }

  @Test
  void buildMetadataIsIgnored() {
    assertSame(semver, "1.0.0+build.1", "1.0.0+build.2");
    assertSame(semver, "1.0.0-rc.1+a", "1.0.0-rc.1");
  }

  @Test
  void numericIdentifiersSortBelowAlphanumericOnesAndCompareAsNumbers() {
    assertAscending(semver, "1.2.3-5", "1.2.3-10", "1.2.3-5-foo", "1.2.3-a");
    assertAscending(semver, "1.2.3-R2", "1.2.3-r100", "1.2.3-r2");
  }

  @Test
  void numbersOfAnyLengthCompareExactly() {
    assertAscending(semver, "99999999999999999999999.0.0", "100000000000000000000000.0.0");
    assertAscending(semver, "1.0.0-99999999999999999999999", "1.0.0-100000000000000000000000");
  }

  @Test
  void nonStrictVersionsCompareLeniently() {
    assertSame(semver, "1", "1.0.0");
    assertSame(semver, "1.2", "1.2.0");
    assertSame(semver, "1.1.3.4.5", "1.1.3");
    assertAscending(semver, "1-alpha", "1.0.0");
    assertSame(semver, "01.002.0003", "1.2.3");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"0.0.0", "1.2.3", "v1.2.3", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x-y-z.--",
          "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "99999999999999999999.0.0"})
  void strictVersionsAreValid(String version) {
    assertTrue(semver.isValid(version), version);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-01", "1.2.3-", "1.2.3+",
          "1.2.3-a..b", "1.2.3-a_b", "vv1.2.3", "1.2.3 ", "1.2.3-\u00e9"})
  void nonStrictVersionsAreInvalid(String version) {
    assertFalse(semver.isValid(version), version);
  }

  @Test
  void nameIsSemver() {
    assertEquals("semver", semver.name());
  }

  /** What GitHub's advisories write for crates.io and npm, read as the SemVer it abbreviates. */
  @ParameterizedTest
  @ValueSource(strings = {"0.1", "1", "1.02.3", "v1.2-rc.01", "0.1+build.5", "10.0-0"})
  void lenientValidityAcceptsMissingNumbersAndLeadingZeros(String version) {
    assertTrue(SemverVersionScheme.LENIENT.isValid(version), version);
    assertFalse(SemverVersionScheme.INSTANCE.isValid(version), version);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "v", "1.2.3.4", "1..2", "1.2.", ".1", "a.b", "1.2.3-", "1.2.3+", "1.2.3-a..b", "1.2 3"})
  void lenientValidityStillRefusesWhatIsNotAVersion(String version) {
    assertFalse(SemverVersionScheme.LENIENT.isValid(version), version);
  }

  @Test
  void lenientVersionsOrderAsTheSemverTheyAbbreviate() {
    assertSame(SemverVersionScheme.LENIENT, "0.1", "0.1.0");
    assertSame(SemverVersionScheme.LENIENT, "1.02.3", "1.2.3");
    assertAscending(SemverVersionScheme.LENIENT, "0.1-rc.1", "0.1", "0.1.1", "0.2");
  }
}
