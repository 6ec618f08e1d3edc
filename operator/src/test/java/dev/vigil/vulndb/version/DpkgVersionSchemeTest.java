package dev.vigil.vulndb.version;

import static dev.vigil.vulndb.version.OrderAssertions.assertAscending;
import static dev.vigil.vulndb.version.OrderAssertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Edge cases of dpkg ordering; every expectation was checked with dpkg --compare-versions. */
class DpkgVersionSchemeTest {

  private final DpkgVersionScheme dpkg = DpkgVersionScheme.INSTANCE;

  @Test
  void tildeSortsBeforeEverythingEvenTheEnd() {
    assertAscending(dpkg, "1.0~~", "1.0~", "1.0~rc1", "1.0~rc2", "1.0", "1.0a");
  }

  @Test
  void epochOutweighsTheRestAndIsComparedAsANumber() {
    assertAscending(dpkg, "9.9", "1:0.1", "2:1.0", "10:0.1");
    assertAscending(dpkg, "9:1", "10:1");
    assertSame(dpkg, "0:1.0", "1.0");
  }

  @Test
  void endSortsBeforeLettersAndLettersBeforeOtherCharacters() {
    assertAscending(dpkg, "1.0", "1.0a", "1.0+");
    assertAscending(dpkg, "1.0a", "1.0.");
    assertAscending(dpkg, "1.0", "1.0+b1");
    assertAscending(dpkg, "1.0", "1.0.0");
  }

  @Test
  void digitRunsCompareAsNumbers() {
    assertAscending(dpkg, "1.9", "1.10");
    assertSame(dpkg, "1.01", "1.1");
    assertSame(dpkg, "000123", "123");
    assertAscending(dpkg, "99999999999999999999999", "100000000000000000000000");
    assertAscending(dpkg, "1.99999999999999999999998", "1.99999999999999999999999");
  }

  @Test
  void revisionIsWhatFollowsTheLastHyphen() {
    assertAscending(dpkg, "1.0-9", "1.0-10");
    assertSame(dpkg, "1.0", "1.0-0");
    // upstream "1.0-beta" against upstream "1.0"
    assertAscending(dpkg, "1.0-1", "1.0-beta-1");
  }

  @Test
  void realAdvisoryVersionsOrderAsDebianAndUbuntuExpect() {
    assertAscending(dpkg, "4.4.18-2ubuntu1", "4.4.18-2ubuntu1.3");
    assertAscending(dpkg, "1:1.2.11.dfsg-0ubuntu2", "1:1.2.11.dfsg-0ubuntu2.2");
    assertAscending(dpkg, "1.2.1-2.2+deb7u1", "1.2.1-2.2+wheezy2", "1.2.1-2.2+wheezy3");
    assertAscending(dpkg, "1.2.3-1~deb7u1", "1.2.3-1");
  }

  @Test
  void emptyVersionIsLowerThanAnyOther() {
    assertAscending(dpkg, "", "0");
    assertAscending(dpkg, "", "~");
    assertSame(dpkg, "", " ");
  }

  @Test
  void surroundingBlanksAreIgnored() {
    assertSame(dpkg, " 1.0-1\t", "1.0-1");
    assertTrue(dpkg.isValid(" 1.0-1 "));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1.0", "1:2.30-1ubuntu1~18.04", "2147483647:1", "1.0-1-2", "1:1:1", "0:0",
          "1.2.1-2.2+wheezy3", "+1:2"})
  void versionsDpkgAcceptsWithoutComplaintAreValid(String version) {
    assertTrue(dpkg.isValid(version), version);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", " ", "a1.0", "1.0-", "1:", "a:1", ":1", "1.0_1", "9999999999:1", "1.0 2",
          "1.0-a_b", "-1", "1.0^1", "1.0\u0000"})
  void versionsDpkgRejectsOrWarnsAboutAreInvalid(String version) {
    assertFalse(dpkg.isValid(version), version);
  }

  @Test
  void malformedEpochIsNotTakenAsAnEpoch() {
    // dpkg refuses these; here the whole string is compared as upstream version.
    assertEquals(0, dpkg.compare("a:1", "a:1"));
    assertAscending(dpkg, "a:1", "a:2");
  }

  @Test
  void nullIsRejectedWithAMessage() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> dpkg.compare(null, "1"));
    assertEquals("version a", e.getMessage());
  }

  @Test
  void nameIsDpkg() {
    assertEquals("dpkg", dpkg.name());
  }
}
