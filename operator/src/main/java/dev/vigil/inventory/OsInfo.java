package dev.vigil.inventory;

import java.time.LocalDate;

/**
 * The operating system an image is built on.
 *
 * @param family lower-case distribution id as in os-release ID ("debian", "ubuntu", "alpine",
 *     "wolfi", "chainguard", "rhel", "almalinux", "rocky", "fedora", "amzn", ...)
 * @param version release as the advisory ecosystem names it ("12", "22.04", "3.19", "9")
 * @param prettyName human-readable name, may be null
 * @param endOfLife true when the release is past its end of standard support
 * @param endOfLifeDate that date when known, else null
 * @param release the release as precisely as the image states it ("12.15" from Debian's
 *     debian_version, "3.20.3" from alpine-release, else os-release VERSION_ID); SBOM purls name
 *     it in their distro qualifier. Equals {@code version} when nothing more precise is known.
 */
public record OsInfo(
    String family,
    String version,
    String prettyName,
    boolean endOfLife,
    LocalDate endOfLifeDate,
    String release) {

  /** An OS whose release is known only as precisely as its advisories name it. */
  public OsInfo(
      String family, String version, String prettyName, boolean endOfLife, LocalDate endOfLifeDate) {
    this(family, version, prettyName, endOfLife, endOfLifeDate, version);
  }

  /** The same OS with its end of life evaluated. */
  public OsInfo withEndOfLife(boolean past, LocalDate date) {
    return new OsInfo(family, version, prettyName, past, date, release);
  }
}
