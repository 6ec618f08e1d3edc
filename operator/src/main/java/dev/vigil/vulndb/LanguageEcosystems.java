package dev.vigil.vulndb;

import dev.vigil.inventory.ApplicationPackage;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OSV language ecosystems Vigil matches, and how their package names and installed versions
 * are put into the form the advisories use (docs/vulnerability-db.md). Advisories and installed
 * packages go through the same name normalisation, so either side may be written either way.
 */
public final class LanguageEcosystems {

  public static final String MAVEN = "Maven";
  public static final String PYPI = "PyPI";
  public static final String NPM = "npm";
  public static final String GO = "Go";
  public static final String CRATES_IO = "crates.io";
  public static final String NUGET = "NuGet";
  public static final String PACKAGIST = "Packagist";
  public static final String RUBYGEMS = "RubyGems";

  /** The ecosystem names, exactly as OSV writes them; each is also its bucket directory. */
  public static final Set<String> ALL =
      Set.of(MAVEN, PYPI, NPM, GO, CRATES_IO, NUGET, PACKAGIST, RUBYGEMS);

  private static final Pattern PEP_503_SEPARATORS = Pattern.compile("[-_.]+");

  // A Go release tag without "go": 1, 1.20, 1.21.3, 1.21rc2, 1.9beta1.
  private static final Pattern GO_RELEASE =
      Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:(rc|beta|alpha)(\\d+))?");

  private LanguageEcosystems() {}

  /** True for one of the language ecosystems (exact name, no suffix). */
  public static boolean isLanguageEcosystem(String ecosystem) {
    return ecosystem != null && ALL.contains(ecosystem);
  }

  /**
   * The osv.dev bucket directories the packages need (their language ecosystems), sorted and
   * each once; packages of other ecosystems are left out.
   */
  public static List<String> bucketEcosystems(Collection<ApplicationPackage> packages) {
    TreeSet<String> needed = new TreeSet<>();
    if (packages != null) {
      for (ApplicationPackage pkg : packages) {
        if (pkg != null && isLanguageEcosystem(pkg.ecosystem())) {
          needed.add(pkg.ecosystem());
        }
      }
    }
    return List.copyOf(needed);
  }

  /**
   * Every osv.dev bucket directory an image needs: its OS's ({@link
   * OsEcosystems#bucketEcosystems}) and its language packages' ecosystems, sorted, each once. The
   * OS may be null (a distroless or scratch image) and the packages empty.
   */
  public static List<String> bucketEcosystems(
      dev.vigil.inventory.OsInfo os, Collection<ApplicationPackage> packages) {
    TreeSet<String> needed = new TreeSet<>(OsEcosystems.bucketEcosystems(os));
    needed.addAll(bucketEcosystems(packages));
    return List.copyOf(needed);
  }

  /**
   * The package name as the index keys it, for advisories and installed packages alike:
   *
   * <ul>
   *   <li>PyPI: PEP 503 ({@code Flask_SQLAlchemy} → {@code flask-sqlalchemy});
   *   <li>crates.io: lower case, {@code _} as {@code -} (crates.io refuses names that differ
   *       only so);
   *   <li>Maven ({@code groupId:artifactId}), NuGet, Packagist: lower case (NuGet and Packagist
   *       ids are case-insensitive; Maven Central has no two artifacts differing only in case);
   *   <li>npm, Go, RubyGems: as written (npm has legacy names differing only in case, Go module
   *       paths are case-sensitive, e.g. github.com/Sirupsen/logrus);
   *   <li>OS ecosystems: lower case.
   * </ul>
   *
   * Surrounding blanks are dropped everywhere.
   */
  public static String normaliseName(String ecosystem, String name) {
    String trimmed = name.trim();
    if (ecosystem == null) {
      return trimmed.toLowerCase(Locale.ROOT);
    }
    return switch (ecosystem) {
      case PYPI -> PEP_503_SEPARATORS.matcher(trimmed).replaceAll("-").toLowerCase(Locale.ROOT);
      case CRATES_IO -> trimmed.toLowerCase(Locale.ROOT).replace('_', '-');
      case NPM, GO, RUBYGEMS -> trimmed;
      default -> trimmed.toLowerCase(Locale.ROOT);
    };
  }

  /**
   * The installed version as the ecosystem's advisories write it, or null when it cannot be
   * matched at all. Go: no {@code v} ({@code v1.2.3} → {@code 1.2.3}); the main module of a
   * {@code go build} in a checkout, {@code (devel)}, is not a version; the standard library
   * ({@code stdlib}, {@code toolchain}) as a semantic version: {@code go1.22.1 X:loopvar} →
   * {@code 1.22.1}, {@code go1.26.0-X:nodwarf5} → {@code 1.26.0}, {@code go1.20} → {@code
   * 1.20.0}, {@code go1.21rc2} → {@code 1.21.0-rc.2}, as the Go vulnerability database writes
   * them. Elsewhere the version only loses surrounding blanks.
   */
  public static String normaliseVersion(String ecosystem, String name, String version) {
    String v = version.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (!GO.equals(ecosystem)) {
      return v;
    }
    if (v.equals("(devel)")) {
      return null;
    }
    String module = name.trim();
    if (module.equals("stdlib") || module.equals("toolchain")) {
      return goReleaseVersion(v);
    }
    return v.startsWith("v") ? v.substring(1) : v;
  }

  /** A Go release tag ("go1.21rc2", "1.22.1 X:loopvar") as the semantic version OSV uses. */
  static String goReleaseVersion(String tag) {
    String v = tag;
    int blank = indexOfBlank(v);
    if (blank >= 0) {
      v = v.substring(0, blank);
    }
    int experiment = v.indexOf("-X:");
    if (experiment >= 0) {
      v = v.substring(0, experiment);
    }
    if (v.startsWith("go")) {
      v = v.substring(2);
    } else if (v.startsWith("v")) {
      v = v.substring(1);
    }
    Matcher m = GO_RELEASE.matcher(v);
    if (!m.matches()) {
      return v;
    }
    String version =
        m.group(1) + "." + (m.group(2) == null ? "0" : m.group(2)) + "."
            + (m.group(3) == null ? "0" : m.group(3));
    return m.group(4) == null ? version : version + "-" + m.group(4) + "." + m.group(5);
  }

  private static int indexOfBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
