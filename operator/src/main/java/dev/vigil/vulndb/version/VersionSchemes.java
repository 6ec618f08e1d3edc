package dev.vigil.vulndb.version;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Which version scheme orders the versions of an OSV ecosystem. */
public final class VersionSchemes {

  // OSV ecosystem names (before the first ':'), exactly as the OSV schema spells them.
  private static final Map<String, VersionScheme> BY_OSV_ECOSYSTEM =
      Map.ofEntries(
          Map.entry("Debian", DpkgVersionScheme.INSTANCE),
          Map.entry("Ubuntu", DpkgVersionScheme.INSTANCE),
          Map.entry("Alpine", ApkVersionScheme.INSTANCE),
          Map.entry("Wolfi", ApkVersionScheme.INSTANCE),
          Map.entry("Chainguard", ApkVersionScheme.INSTANCE),
          Map.entry("MinimOS", ApkVersionScheme.INSTANCE),
          Map.entry("Alpaquita", ApkVersionScheme.INSTANCE),
          Map.entry("BellSoft Hardened Containers", ApkVersionScheme.INSTANCE),
          Map.entry("Red Hat", RpmVersionScheme.INSTANCE),
          Map.entry("AlmaLinux", RpmVersionScheme.INSTANCE),
          Map.entry("Rocky Linux", RpmVersionScheme.INSTANCE),
          Map.entry("SUSE", RpmVersionScheme.INSTANCE),
          Map.entry("openSUSE", RpmVersionScheme.INSTANCE),
          Map.entry("Mariner", RpmVersionScheme.INSTANCE),
          Map.entry("Azure Linux", RpmVersionScheme.INSTANCE),
          Map.entry("openEuler", RpmVersionScheme.INSTANCE),
          Map.entry("Photon OS", RpmVersionScheme.INSTANCE),
          Map.entry("Mageia", RpmVersionScheme.INSTANCE));

  private VersionSchemes() {}

  /**
   * The scheme for an OSV {@code affected[].package.ecosystem} value such as {@code Debian:12},
   * {@code Ubuntu:Pro:18.04:LTS}, {@code Alpine:v3.19} or {@code Red
   * Hat:enterprise_linux:9::appstream}: the name before the first colon selects the scheme, the
   * release suffix after it does not matter. Names are case-sensitive, as in OSV.
   *
   * @return the scheme, or empty for an ecosystem whose versions are not OS package versions
   */
  public static Optional<VersionScheme> forOsvEcosystem(String ecosystem) {
    Objects.requireNonNull(ecosystem, "ecosystem");
    int colon = ecosystem.indexOf(':');
    String name = colon < 0 ? ecosystem : ecosystem.substring(0, colon);
    return Optional.ofNullable(BY_OSV_ECOSYSTEM.get(name));
  }
}
