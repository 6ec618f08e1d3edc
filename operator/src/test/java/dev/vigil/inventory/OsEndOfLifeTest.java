package dev.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OsEndOfLifeTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

  private static OsInfo os(String family, String version) {
    return new OsInfo(family, version, null, false, null);
  }

  @Test
  void debian10EndedWhenItsLtsEndedNotWhenTheSecurityTeamHandedItOver() {
    assertEquals(
        new OsInfo("debian", "10", null, true, LocalDate.of(2024, 6, 30)),
        OsEndOfLife.evaluate(os("debian", "10"), TODAY));
    assertEquals(
        false, OsEndOfLife.evaluate(os("debian", "10"), LocalDate.of(2023, 1, 1)).endOfLife(),
        "between the security team's end (2022-09-10) and the end of LTS");
  }

  @Test
  void debian12UnderLtsIsNotEndOfLifeUntilJune2028() {
    // The security team's support ended on 2026-06-10; Debian LTS covers it until 2028-06-30.
    assertEquals(
        new OsInfo("debian", "12", null, false, LocalDate.of(2028, 6, 30)),
        OsEndOfLife.evaluate(os("debian", "12"), TODAY));
    assertEquals(true, OsEndOfLife.evaluate(os("debian", "12"), LocalDate.of(2028, 7, 1)).endOfLife());
  }

  @Test
  void debianLtsEndsPerRelease() {
    Map<String, LocalDate> lts =
        Map.of(
            "8", LocalDate.of(2020, 6, 30),
            "9", LocalDate.of(2022, 6, 30),
            "10", LocalDate.of(2024, 6, 30),
            "11", LocalDate.of(2026, 8, 31),
            "12", LocalDate.of(2028, 6, 30),
            "13", LocalDate.of(2030, 6, 30));
    lts.forEach(
        (release, end) ->
            assertEquals(end, OsEndOfLife.evaluate(os("debian", release), TODAY).endOfLifeDate(), release));
    assertEquals(true, OsEndOfLife.evaluate(os("debian", "11"), TODAY).endOfLife(), "LTS ended 2026-08-31");
  }

  @Test
  void lastDayOfSupportIsStillSupported() {
    assertEquals(
        false, OsEndOfLife.evaluate(os("debian", "10"), LocalDate.of(2024, 6, 30)).endOfLife());
    assertEquals(
        true, OsEndOfLife.evaluate(os("debian", "10"), LocalDate.of(2024, 7, 1)).endOfLife());
  }

  @Test
  void ubuntuEndsWithStandardSupportBecauseEsmNeedsASubscription() {
    assertEquals(
        new OsInfo("ubuntu", "18.04", null, true, LocalDate.of(2023, 5, 31)),
        OsEndOfLife.evaluate(os("ubuntu", "18.04"), TODAY));
  }

  @Test
  void tableDatesForEachFamily() {
    Map<OsInfo, LocalDate> expected =
        Map.of(
            os("ubuntu", "20.04"), LocalDate.of(2025, 5, 31),
            os("alpine", "3.17"), LocalDate.of(2024, 11, 22),
            os("rhel", "7"), LocalDate.of(2024, 6, 30),
            os("centos", "8"), LocalDate.of(2021, 12, 31),
            os("amzn", "2"), LocalDate.of(2026, 6, 30),
            os("amzn", "2023"), LocalDate.of(2029, 6, 30),
            os("fedora", "39"), LocalDate.of(2024, 11, 26),
            os("rocky", "9"), LocalDate.of(2032, 5, 31));
    expected.forEach(
        (os, date) ->
            assertEquals(date, OsEndOfLife.evaluate(os, TODAY).endOfLifeDate(), os.toString()));
    assertEquals(true, OsEndOfLife.evaluate(os("amzn", "2"), TODAY).endOfLife());
    assertEquals(false, OsEndOfLife.evaluate(os("amzn", "2023"), TODAY).endOfLife());
  }

  @Test
  void unknownReleaseIsNotEndOfLifeAndHasNoDate() {
    assertEquals(
        new OsInfo("ubuntu", "22.04", "Ubuntu", false, null),
        OsEndOfLife.evaluate(new OsInfo("ubuntu", "22.04", "Ubuntu", false, null), TODAY));
    assertEquals(
        new OsInfo("debian", null, null, false, null),
        OsEndOfLife.evaluate(os("debian", null), TODAY));
  }

  @Test
  void declaredSupportEndIsUsedWhenTheTableHasNoEntry() {
    OsInfo fedora42 = new OsInfo("fedora", "42", null, false, LocalDate.of(2026, 5, 13));
    assertEquals(
        new OsInfo("fedora", "42", null, true, LocalDate.of(2026, 5, 13)),
        OsEndOfLife.evaluate(fedora42, TODAY));
  }

  @Test
  void tableWinsOverDeclaredSupportEnd() {
    OsInfo alma = new OsInfo("almalinux", "9", null, false, LocalDate.of(2032, 6, 1));
    assertEquals(LocalDate.of(2032, 5, 31), OsEndOfLife.evaluate(alma, TODAY).endOfLifeDate());
  }

  @Test
  void nullOsStaysNull() {
    assertNull(OsEndOfLife.evaluate(null, TODAY));
  }
}
