package dev.vigil.vulndb;

import dev.vigil.inventory.OsInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which OSV ecosystems describe the packages of an operating system, from {@link OsInfo}
 * (os-release ID and VERSION_ID). The rules per distribution are in docs/vulnerability-db.md;
 * a distribution not listed gets no ecosystem and so no vulnerability matching.
 */
public final class OsEcosystems {

  private static final Pattern RED_HAT_MINOR_STREAM =
      Pattern.compile("Red Hat:rhel_(?:eus|aus|tus|e4s):(\\d+\\.\\d+)(?::.*)?");
  private static final Pattern RED_HAT_MAIN_STREAM =
      Pattern.compile("Red Hat:enterprise_linux:(\\d+)(?::.*)?");

  private OsEcosystems() {}

  /**
   * The ecosystems among {@code available} that apply to {@code os}, most specific first (for
   * Ubuntu the regular archive before Ubuntu Pro, for Red Hat the main stream before the
   * minor-release streams), each with the package key its records use. Empty for an unknown OS
   * or release.
   */
  public static List<EcosystemTarget> targets(OsInfo os, Collection<String> available) {
    if (os == null || os.family() == null || os.version() == null || os.version().isBlank()) {
      return List.of();
    }
    String family = os.family().toLowerCase(Locale.ROOT);
    String version = os.version().trim();
    String major = firstComponents(version, 1);
    String majorMinor = firstComponents(version, 2);
    List<EcosystemTarget> targets = new ArrayList<>();
    switch (family) {
      case "debian" -> exact(targets, available, "Debian:" + major, PackageKey.SOURCE);
      case "ubuntu" -> ubuntu(targets, available, majorMinor);
      case "alpine" -> exact(targets, available, "Alpine:v" + majorMinor, PackageKey.SOURCE);
      case "wolfi" -> exact(targets, available, "Wolfi", PackageKey.SOURCE);
      case "chainguard" -> {
        exact(targets, available, "Chainguard", PackageKey.SOURCE);
        exact(targets, available, "Wolfi", PackageKey.SOURCE);
      }
      case "almalinux" -> {
        exact(targets, available, "AlmaLinux:" + major, PackageKey.BINARY);
        exact(targets, available, "AlmaLinux", PackageKey.BINARY);
      }
      case "rocky" -> {
        exact(targets, available, "Rocky Linux:" + major, PackageKey.BINARY_THEN_SOURCE);
        exact(targets, available, "Rocky Linux", PackageKey.BINARY_THEN_SOURCE);
      }
      case "rhel" -> redHat(targets, available, major, version.contains(".") ? majorMinor : null);
      default -> {
        // No OSV ecosystem is known for this distribution.
      }
    }
    return List.copyOf(targets);
  }

  /**
   * The osv.dev bucket directories (ecosystem names without release) an OS needs, e.g.
   * ["Debian"] or ["Chainguard", "Wolfi"]; empty for an unsupported OS.
   */
  public static List<String> bucketEcosystems(OsInfo os) {
    if (os == null || os.family() == null) {
      return List.of();
    }
    return switch (os.family().toLowerCase(Locale.ROOT)) {
      case "debian" -> List.of("Debian");
      case "ubuntu" -> List.of("Ubuntu");
      case "alpine" -> List.of("Alpine");
      case "wolfi" -> List.of("Wolfi");
      case "chainguard" -> List.of("Chainguard", "Wolfi");
      case "almalinux" -> List.of("AlmaLinux");
      case "rocky" -> List.of("Rocky Linux");
      case "rhel" -> List.of("Red Hat");
      default -> List.of();
    };
  }

  private static void exact(
      List<EcosystemTarget> targets, Collection<String> available, String ecosystem, PackageKey key) {
    if (available.contains(ecosystem)) {
      targets.add(new EcosystemTarget(ecosystem, key));
    }
  }

  /**
   * "Ubuntu:22.04:LTS", "Ubuntu:24.10" and "Ubuntu:Pro:18.04:LTS" for the release; variants
   * with further qualifiers (FIPS streams) describe other package archives and are left out.
   */
  private static void ubuntu(List<EcosystemTarget> targets, Collection<String> available, String release) {
    List<String> regular = new ArrayList<>();
    List<String> pro = new ArrayList<>();
    for (String ecosystem : available) {
      String[] parts = ecosystem.split(":", -1);
      if (parts.length < 2 || !parts[0].equals("Ubuntu")) {
        continue;
      }
      int i = 1;
      boolean isPro = parts[i].equals("Pro");
      if (isPro) {
        i++;
      }
      if (i >= parts.length || !parts[i].equals(release)) {
        continue;
      }
      i++;
      if (i < parts.length && parts[i].equals("LTS")) {
        i++;
      }
      if (i != parts.length) {
        continue;
      }
      (isPro ? pro : regular).add(ecosystem);
    }
    regular.sort(Comparator.naturalOrder());
    pro.sort(Comparator.naturalOrder());
    regular.forEach(e -> targets.add(new EcosystemTarget(e, PackageKey.SOURCE)));
    pro.forEach(e -> targets.add(new EcosystemTarget(e, PackageKey.SOURCE)));
  }

  /**
   * Red Hat streams are CPE-derived: "Red Hat:enterprise_linux:9::baseos" (main stream of the
   * major release, every repository) and, when the image states its minor release,
   * "Red Hat:rhel_eus|aus|tus|e4s:9.2::…" for exactly that minor. Layered products
   * ("Red Hat:openstack:…") are not part of a base image and are left out.
   */
  private static void redHat(
      List<EcosystemTarget> targets, Collection<String> available, String major, String majorMinor) {
    List<String> main = new ArrayList<>();
    List<String> minor = new ArrayList<>();
    for (String ecosystem : available) {
      var mainMatch = RED_HAT_MAIN_STREAM.matcher(ecosystem);
      if (mainMatch.matches() && mainMatch.group(1).equals(major)) {
        main.add(ecosystem);
        continue;
      }
      var minorMatch = RED_HAT_MINOR_STREAM.matcher(ecosystem);
      if (majorMinor != null && minorMatch.matches() && minorMatch.group(1).equals(majorMinor)) {
        minor.add(ecosystem);
      }
    }
    main.sort(Comparator.naturalOrder());
    minor.sort(Comparator.naturalOrder());
    main.forEach(e -> targets.add(new EcosystemTarget(e, PackageKey.BINARY)));
    minor.forEach(e -> targets.add(new EcosystemTarget(e, PackageKey.BINARY)));
  }

  /** The first n dot-separated components: ("3.19.1", 2) → "3.19"; ("12", 2) → "12". */
  private static String firstComponents(String version, int n) {
    int end = -1;
    for (int i = 0; i < n; i++) {
      end = version.indexOf('.', end + 1);
      if (end < 0) {
        return version;
      }
    }
    return version.substring(0, end);
  }
}
