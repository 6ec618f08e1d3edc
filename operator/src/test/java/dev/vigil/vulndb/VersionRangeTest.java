package dev.vigil.vulndb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.vulndb.osv.OsvEvent;
import dev.vigil.vulndb.version.DpkgVersionScheme;
import dev.vigil.vulndb.version.VersionScheme;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OSV evaluation algorithm on dpkg versions. */
class VersionRangeTest {

  private static final VersionScheme DPKG = DpkgVersionScheme.INSTANCE;

  private static VersionRange range(String... events) {
    List<OsvEvent> list = new ArrayList<>();
    for (String event : events) {
      String kind = event.substring(0, event.indexOf(':'));
      String version = event.substring(event.indexOf(':') + 1);
      list.add(
          switch (kind) {
            case "introduced" -> new OsvEvent(version, null, null, null);
            case "fixed" -> new OsvEvent(null, version, null, null);
            case "last_affected" -> new OsvEvent(null, null, version, null);
            case "limit" -> new OsvEvent(null, null, null, version);
            default -> throw new IllegalArgumentException(kind);
          });
    }
    return VersionRange.compile(list, DPKG, new Interner());
  }

  private static String fixOf(VersionRange range, String version) {
    VersionRange.Hit hit = range.evaluate(version);
    return hit == null ? "not affected" : hit.fixedVersion() == null ? "unfixed" : hit.fixedVersion();
  }

  @Test
  void introducedZeroAndFixedCoverEverythingBelowTheFix() {
    VersionRange range = range("introduced:0", "fixed:1.2-3");
    assertEquals("1.2-3", fixOf(range, "0.1-1"));
    assertEquals("1.2-3", fixOf(range, "1.2-2"));
    assertEquals("1.2-3", fixOf(range, "1.2-3~deb12u1"));
    assertEquals("not affected", fixOf(range, "1.2-3"));
    assertEquals("not affected", fixOf(range, "1:0.1-1"));
  }

  @Test
  void introducedAboveZeroLeavesOlderVersionsUnaffected() {
    VersionRange range = range("introduced:2.0-1", "fixed:2.4-1");
    assertEquals("not affected", fixOf(range, "1.9-9"));
    assertEquals("2.4-1", fixOf(range, "2.0-1"));
    assertEquals("2.4-1", fixOf(range, "2.3-7"));
    assertEquals("not affected", fixOf(range, "2.4-1"));
  }

  @Test
  void multipleIntroducedFixedPairsNameTheFixOfTheirOwnInterval() {
    // Written out of order on purpose: events are sorted by version before evaluation.
    VersionRange range =
        range("introduced:3.0-1", "fixed:3.2-5", "introduced:1.0-1", "fixed:1.0-7");
    assertEquals("not affected", fixOf(range, "0.9-1"));
    assertEquals("1.0-7", fixOf(range, "1.0-6"));
    assertEquals("not affected", fixOf(range, "2.0-1"));
    assertEquals("3.2-5", fixOf(range, "3.1-1"));
    assertEquals("not affected", fixOf(range, "3.2-5"));
  }

  @Test
  void lastAffectedIncludesThatVersionAndNamesNoFix() {
    VersionRange range = range("introduced:0", "last_affected:2.0-3");
    assertEquals("unfixed", fixOf(range, "1.0-1"));
    assertEquals("unfixed", fixOf(range, "2.0-3"));
    assertEquals("not affected", fixOf(range, "2.0-3+b1"));
  }

  @Test
  void introducedWithoutAnyClosingEventAffectsEveryLaterVersion() {
    VersionRange range = range("introduced:0");
    assertEquals("unfixed", fixOf(range, "1:99.0-1"));
  }

  @Test
  void limitBoundsTheRangeFromAbove() {
    VersionRange range = range("introduced:0", "limit:2.0-1");
    assertEquals("unfixed", fixOf(range, "1.9-1"));
    assertEquals("not affected", fixOf(range, "2.0-1"));
    assertEquals("not affected", fixOf(range, "3.0-1"));
    VersionRange starLimit = range("introduced:0", "limit:*");
    assertEquals("unfixed", fixOf(starLimit, "3.0-1"));
  }

  @Test
  void rangeWithoutIntroducedCannotBeCompiled() {
    assertNull(range("fixed:1.0-1"));
  }

  @Test
  void anyOfSeveralLimitsLetsAVersionIn() {
    VersionRange range = range("introduced:0", "fixed:5.0-1", "limit:1.5-1", "limit:3.0-1");
    assertEquals("5.0-1", fixOf(range, "2.0-1"));
    assertEquals("not affected", fixOf(range, "4.0-1"));
  }
}
