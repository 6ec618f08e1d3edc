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
 */
public record OsInfo(
    String family,
    String version,
    String prettyName,
    boolean endOfLife,
    LocalDate endOfLifeDate) {}
