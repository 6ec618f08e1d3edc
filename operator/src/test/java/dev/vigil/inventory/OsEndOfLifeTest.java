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
  void debian10EndedWhenItsSecuritySupportEndedNotItsLts() {
    assertEquals(
        new OsInfo("debian", "10", null, true, LocalDate.of(2022, 9, 10)),
        OsEndOfLife.evaluate(os("debian", "10"), TODAY));
  }

  @Test
  void lastDayOfSupportIsStillSupported() {
    assertEquals(
        false, OsEndOfLife.evaluate(os("debian", "10"), LocalDate.of(2022, 9, 10)).endOfLife());
    assertEquals(
        true, OsEndOfLife.evaluate(os("debian", "10"), LocalDate.of(2022, 9, 11)).endOfLife());
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
