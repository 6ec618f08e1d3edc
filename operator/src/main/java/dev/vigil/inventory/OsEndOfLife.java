package dev.vigil.inventory;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/**
 * End of security support per distribution release, and whether an OS is past it.
 *
 * <p>Policy: the date is the last day on which anyone running the release gets security updates
 * from the distribution's public archives, without a subscription. That includes Debian LTS: the
 * Debian LTS team publishes to the regular security archive (DLAs), and OSV's Debian data carries
 * those fixes for the release, so a Debian image keeps getting findings with installable fixes
 * until its LTS ends. It excludes extensions that need a subscription or another archive: Debian
 * ELTS (Freexian's archive, not in OSV), Ubuntu ESM (Ubuntu Pro: OSV carries its fixes as
 * "Ubuntu:Pro:..." and Vigil reports them, but an image receives them only when attached to a Pro
 * subscription), RHEL ELS. A release is end of life on the day after that date. Only dates
 * published by the distribution are listed; a release not in the table falls back to the
 * os-release SUPPORT_END the image declares (kept in {@link OsInfo#endOfLifeDate()} by {@link
 * OsDetector}); with neither it is not end of life and its date is null. Sources: Debian LTS page
 * (wiki.debian.org/LTS) and the Debian announcements of each release's move to LTS, Ubuntu release
 * cycle page, alpinelinux.org/releases, Red Hat Enterprise Linux life cycle, CentOS, AlmaLinux and
 * Rocky Linux release pages, Fedora schedule, Amazon Linux FAQs, openSUSE lifetime page. Planned
 * (future) dates are marked. docs/inventory.md has the table.
 */
public final class OsEndOfLife {

  private static final Map<String, Map<String, LocalDate>> END_OF_SUPPORT =
      Map.ofEntries(
          // Debian: end of Debian LTS (wiki.debian.org/LTS). The security team's own support ends
          // earlier (8: 2018-06-17, 9: 2020-07-06, 10: 2022-09-10, 11: 2024-08-14, 12:
          // 2026-06-10, 13: 2028-08-09 planned); the LTS team then publishes DLAs to the same
          // security archive, and OSV's "Debian:<release>" data carries them.
          Map.entry(
              "debian",
              Map.of(
                  "8", date("2020-06-30"),
                  "9", date("2022-06-30"),
                  "10", date("2024-06-30"),
                  "11", date("2026-08-31"),
                  "12", date("2028-06-30"), // planned
                  "13", date("2030-06-30"))), // planned
          // Ubuntu: end of standard support; ESM needs an Ubuntu Pro subscription (see above).
          // LTS releases 22.04 and later are left out: Canonical publishes only the month.
          Map.entry(
              "ubuntu",
              Map.ofEntries(
                  Map.entry("16.04", date("2021-04-30")),
                  Map.entry("18.04", date("2023-05-31")),
                  Map.entry("20.04", date("2025-05-31")),
                  Map.entry("20.10", date("2021-07-22")),
                  Map.entry("21.04", date("2022-01-20")),
                  Map.entry("21.10", date("2022-07-14")),
                  Map.entry("22.10", date("2023-07-20")),
                  Map.entry("23.04", date("2024-01-25")),
                  Map.entry("23.10", date("2024-07-11")),
                  Map.entry("24.10", date("2025-07-10")))),
          // Alpine: "end of support" column of alpinelinux.org/releases (main repository).
          Map.entry(
              "alpine",
              Map.ofEntries(
                  Map.entry("3.12", date("2022-05-01")),
                  Map.entry("3.13", date("2022-11-01")),
                  Map.entry("3.14", date("2023-05-01")),
                  Map.entry("3.15", date("2023-11-01")),
                  Map.entry("3.16", date("2024-05-23")),
                  Map.entry("3.17", date("2024-11-22")),
                  Map.entry("3.18", date("2025-05-09")),
                  Map.entry("3.19", date("2025-11-01")),
                  Map.entry("3.20", date("2026-04-01")),
                  Map.entry("3.21", date("2026-11-01")),
                  Map.entry("3.22", date("2027-05-01")))), // planned
          // RHEL: end of Maintenance Support (Extended Life Cycle Support not counted).
          Map.entry(
              "rhel",
              Map.of(
                  "6", date("2020-11-30"),
                  "7", date("2024-06-30"),
                  "8", date("2029-05-31"), // planned
                  "9", date("2032-05-31"), // planned
                  "10", date("2035-05-31"))), // planned
          Map.entry(
              "centos",
              Map.of("6", date("2020-11-30"), "7", date("2024-06-30"), "8", date("2021-12-31"))),
          Map.entry(
              "centos-stream",
              Map.of("8", date("2024-05-31"), "9", date("2027-05-31"))), // 9: planned
          // AlmaLinux and Rocky: end of security support.
          Map.entry(
              "almalinux", Map.of("8", date("2029-03-01"), "9", date("2032-05-31"))), // planned
          Map.entry("rocky", Map.of("8", date("2029-05-31"), "9", date("2032-05-31"))), // planned
          Map.entry(
              "fedora",
              Map.of(
                  "33", date("2021-11-30"),
                  "34", date("2022-06-07"),
                  "35", date("2022-12-13"),
                  "36", date("2023-05-16"),
                  "37", date("2023-12-05"),
                  "38", date("2024-05-21"),
                  "39", date("2024-11-26"),
                  "40", date("2025-05-13"))),
          Map.entry(
              "amzn",
              Map.of(
                  "2018.03", date("2023-12-31"), // Amazon Linux AMI (AL1)
                  "2", date("2026-06-30"),
                  "2023", date("2029-06-30"))), // planned
          Map.entry(
              "opensuse-leap",
              Map.of(
                  "15.2", date("2022-01-04"),
                  "15.3", date("2022-12-31"),
                  "15.4", date("2023-12-07"),
                  "15.5", date("2024-12-31"))));

  private OsEndOfLife() {}

  /** The end of standard support of a release when the table knows it. */
  public static Optional<LocalDate> endOfSupport(String family, String version) {
    if (family == null || version == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(END_OF_SUPPORT.getOrDefault(family, Map.of()).get(version));
  }

  /**
   * The same OS with its end-of-life flag and date set for {@code today}.
   *
   * @return null when {@code os} is null
   */
  public static OsInfo evaluate(OsInfo os, LocalDate today) {
    if (os == null) {
      return null;
    }
    LocalDate end = endOfSupport(os.family(), os.version()).orElse(os.endOfLifeDate());
    boolean past = end != null && today.isAfter(end);
    return os.withEndOfLife(past, end);
  }

  private static LocalDate date(String iso) {
    return LocalDate.parse(iso);
  }
}
