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
          Map.entry("Mageia", RpmVersionScheme.INSTANCE),
          // Language ecosystems (docs/vulnerability-db.md): their records name no release.
          Map.entry("Maven", MavenVersionScheme.INSTANCE),
          Map.entry("PyPI", Pep440VersionScheme.INSTANCE),
          Map.entry("RubyGems", RubyGemsVersionScheme.INSTANCE),
          Map.entry("NuGet", NuGetVersionScheme.INSTANCE),
          Map.entry("Packagist", PackagistVersionScheme.INSTANCE),
          Map.entry("npm", SemverVersionScheme.LENIENT),
          Map.entry("Go", SemverVersionScheme.INSTANCE),
          Map.entry("crates.io", SemverVersionScheme.LENIENT));

  private static final java.util.Set<String> LANGUAGE_ECOSYSTEMS =
      java.util.Set.of("Maven", "PyPI", "RubyGems", "NuGet", "Packagist", "npm", "Go", "crates.io");

  private VersionSchemes() {}

  /**
   * The scheme for an OSV {@code affected[].package.ecosystem} value such as {@code Debian:12},
   * {@code Ubuntu:Pro:18.04:LTS}, {@code Alpine:v3.19} or {@code Red
   * Hat:enterprise_linux:9::appstream}: the name before the first colon selects the scheme, the
   * release suffix after it does not matter. Names are case-sensitive, as in OSV.
   *
   * <p>The language ecosystems are selected by their bare name ({@code Maven}, {@code PyPI},
   * {@code RubyGems}, {@code NuGet}, {@code Packagist}, {@code npm}, {@code Go}, {@code
   * crates.io}); a suffix there names another repository than the public one (OSV allows {@code
   * Maven:<repository URL>}), whose packages are not the public ones of the same name, so such
   * ecosystems get no scheme.
   *
   * @return the scheme, or empty for an ecosystem without a known version order
   */
  public static Optional<VersionScheme> forOsvEcosystem(String ecosystem) {
    Objects.requireNonNull(ecosystem, "ecosystem");
    int colon = ecosystem.indexOf(':');
    String name = colon < 0 ? ecosystem : ecosystem.substring(0, colon);
    VersionScheme scheme = BY_OSV_ECOSYSTEM.get(name);
    if (scheme != null && colon >= 0 && LANGUAGE_ECOSYSTEMS.contains(name)) {
      return Optional.empty();
    }
    return Optional.ofNullable(scheme);
  }
}
