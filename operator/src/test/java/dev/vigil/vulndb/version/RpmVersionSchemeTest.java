package dev.vigil.vulndb.version;

import static dev.vigil.vulndb.version.OrderAssertions.assertAscending;
import static dev.vigil.vulndb.version.OrderAssertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Edge cases of rpm ordering; every expectation was checked with python3-rpm's labelCompare. */
class RpmVersionSchemeTest {

  private final RpmVersionScheme rpm = RpmVersionScheme.INSTANCE;

  @Test
  void tildeSortsBeforeTheEnd() {
    assertAscending(rpm, "1.0~rc1~git", "1.0~rc1", "1.0~rc1^git1", "1.0");
  }

  @Test
  void caretSortsAfterTheEndButBeforeAnyFurtherSegment() {
    assertAscending(rpm, "1.0", "1.0^", "1.0^git1", "1.0^git2", "1.0.1");
  }

  @Test
  void epochOutweighsVersionAndMissingEpochIsZero() {
    assertAscending(rpm, "9.9", "1:0.1");
    assertSame(rpm, "0:1.0-1", "1.0-1");
    assertSame(rpm, "0:2.13.3-3.el8_6.1", "2.13.3-3.el8_6.1");
  }

  @Test
  void labelWithoutReleaseIsLowerThanAnyRelease() {
    assertAscending(rpm, "1.0", "1.0-0", "1.0-1");
  }

  @Test
  void numbersBeatLettersAndCompareAsNumbers() {
    assertAscending(rpm, "1.a", "1.1");
    assertAscending(rpm, "9", "10");
    assertSame(rpm, "1.01", "1.1");
    assertAscending(rpm, "99999999999999999999999", "100000000000000000000000");
    assertAscending(rpm, "1.0", "1.0a");
  }

  @Test
  void separatorsOnlySeparate() {
    assertSame(rpm, "2.0.1", "2_0_1");
    assertSame(rpm, "1.1.\u03b1", "1.1.\u03b2"); // non-ASCII letters are separators to rpm
  }

  @Test
  void realAdvisoryVersionsOrderAsRedHatExpects() {
    assertAscending(rpm, "1.0-1.el8", "1.0-1.el9");
    assertAscending(rpm, "1.2.11-18.el8_5", "1.2.11-18.el8_6.2", "1.2.11-18.el8_6.10");
    assertAscending(rpm, "1:1.1.1k-7.el8_6", "1:1.1.1k-9.el8_7");
    assertAscending(rpm, "2.2.5-8.el8_6.2", "1:2.2.5-1.el8");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1.0", "1.0-1", "1:1.1.1k-9.el8_7", "0:1.19.4-3.module+el8.5.0+12204+54860423",
          "1.0~rc1^git1-2.fc39", "4294967295:1"})
  void wellFormedLabelsAreValid(String version) {
    assertTrue(rpm.isValid(version), version);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "1:", ":1", "1-", "-1", "1.0-1-2", "4294967296:1", "a:1", "1.0 ", "1/0",
          "1.0\u0000"})
  void malformedLabelsAreInvalid(String version) {
    assertFalse(rpm.isValid(version), version);
  }

  @Test
  void nameIsRpm() {
    assertEquals("rpm", rpm.name());
  }
}
