package dev.vigil.vulndb.version;

import static dev.vigil.vulndb.version.OrderAssertions.assertAscending;
import static dev.vigil.vulndb.version.OrderAssertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Edge cases of apk ordering (apk-tools version.c rules plus the documented legacy readings). */
class ApkVersionSchemeTest {

  private final ApkVersionScheme apk = ApkVersionScheme.INSTANCE;

  @Test
  void preReleaseSuffixesSortBeforeTheReleaseAndPostReleaseSuffixesAfter() {
    assertAscending(apk,
        "1.0_alpha", "1.0_alpha1", "1.0_beta", "1.0_pre", "1.0_rc", "1.0_rc1", "1.0",
        "1.0_cvs", "1.0_svn", "1.0_git", "1.0_hg", "1.0_p", "1.0_p1", "1.0a", "1.0.1");
  }

  @Test
  void releaseCandidateIsLowerThanTheRelease() {
    assertAscending(apk, "1.0_rc1", "1.0");
    assertAscending(apk, "1.0_rc1-r5", "1.0-r0");
  }

  @Test
  void revisionCountsAfterEverythingElse() {
    assertAscending(apk, "1.0", "1.0-r0", "1.0-r1", "1.0-r10", "1.0.1-r0");
    assertSame(apk, "1.0-r1", "1.0-r01");
  }

  @Test
  void dottedNumbersWithALeadingZeroCompareAsText() {
    assertAscending(apk, "1.001", "1.01", "1.1");
    assertAscending(apk, "1.010", "1.02");
    assertSame(apk, "01.0", "1.0");
  }

  @Test
  void lettersFollowNumbersAndCompareAlphabetically() {
    assertAscending(apk, "1.0", "1.0a", "1.0b", "1.0z");
    assertAscending(apk, "1.0.2h-r1", "1.0.2q-r0");
  }

  @Test
  void commitHashesCompareAsText() {
    assertAscending(apk, "1.0", "1.0~abc", "1.0~abd", "1.0~abd-r1");
  }

  @Test
  void numbersOfAnyLengthCompareExactly() {
    assertAscending(apk, "1.99999999999999999999998-r0", "1.99999999999999999999999-r0");
    assertAscending(apk, "1.0-r18446744073709551615", "1.0-r18446744073709551616");
    assertAscending(apk, "99999999999999999999999", "100000000000000000000000");
  }

  @Test
  void letterFollowedByDigitsIsReadAsApkTools2Did() {
    assertAscending(apk, "6.6.2_p1", "6.6.2p1-r0", "6.6.2p1-r1", "6.6.2p2-r0");
  }

  @Test
  void revisionWithoutNumberAtTheEndIsRevisionZero() {
    assertSame(apk, "1-r", "1-r0");
  }

  @Test
  void malformedRestSortsBelowEveryWellFormedContinuation() {
    assertAscending(apk, "1.0-foo", "1.0");
    assertAscending(apk, "1.0_blah", "1.0");
    assertAscending(apk, "1.0A", "1.0a");
    assertAscending(apk, "1.0-r1-x", "1.0-r0");
    // two versions that turn malformed at the same point are equal
    assertSame(apk, "1.0-r1-x", "1.0-r2-y");
  }

  @Test
  void emptyNumbersKeepComparingWhatFollows() {
    assertAscending(apk, "0..1..0", "0..1..1");
    assertAscending(apk, ".1", ".2", "1");
    assertAscending(apk, "0.r1", "0r2");
  }

  @Test
  void realAdvisoryVersionsOrderAsAlpineExpects() {
    assertAscending(apk, "1.0.2h-r1", "1.0.2q-r0");
    assertAscending(apk, "10.4.24-r0", "10.4.25-r0", "10.5.16-r0", "10.6.8-r0");
    assertAscending(apk, "1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1", "1.2.3", "1.2.3_rc1-r0", "1.0.2q-r0", "1.0~deadbeef-r1", "1_alpha_pre2",
          "2.9.11_pre20061021-r2", "6.6.2p1-r0", "1-r"})
  void wellFormedVersionsAreValid(String version) {
    assertTrue(apk.isValid(version), version);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "v1.0", "1..0", "1.", ".1", "1.0-foo", "1.0A", "1.0_blah", "1.0-r1-r2",
          "1.0~", "1.0~XYZ", "1.0a.1", "1.0-r1a", "1.0\u0000", "1.0 "})
  void malformedVersionsAreInvalid(String version) {
    assertFalse(apk.isValid(version), version);
  }

  @Test
  void nameIsApk() {
    assertEquals("apk", apk.name());
  }
}
