package dev.vigil.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An OS/architecture/variant triple as image indexes describe their entries, normalised the
 * way containerd does: "aarch64" is "arm64", "x86_64" is "amd64", arm64's default variant v8
 * is written as no variant, bare "arm" means arm/v7. Choosing an index entry for a platform
 * follows containerd's default matcher: the exact platform first, then the ones it can run
 * (amd64 → 386, arm/v7 → v6 → v5, arm64 → arm/v8 ... v5).
 *
 * @param os operating system, e.g. "linux"
 * @param architecture CPU architecture, e.g. "amd64", "arm64"
 * @param variant CPU variant, e.g. "v7"; empty when none
 */
public record Platform(String os, String architecture, String variant) {

  /** linux/amd64, what Vigil scans when nothing else is configured. */
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", "");

  private static final Set<String> KNOWN_OS =
      Set.of(
          "aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js", "linux",
          "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows");

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    variant = variant == null ? "" : variant;
    String[] normalised = normaliseArchitecture(architecture, variant);
    os = normaliseOs(os);
    architecture = normalised[0];
    variant = normalised[1];
  }

  /**
   * Parses "os/arch[/variant]" (e.g. "linux/arm64/v8"); a single known OS or architecture is
   * also accepted ("linux" means linux/amd64, "arm64" means linux/arm64).
   */
  public static Platform parse(String specifier) {
    if (specifier == null || specifier.isBlank()) {
      throw new IllegalArgumentException("invalid platform: empty");
    }
    String[] parts = specifier.trim().split("/", -1);
    for (String part : parts) {
      if (part.isEmpty() || !part.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException(
            "invalid platform \"" + specifier + "\": expected os/architecture[/variant]");
      }
    }
    switch (parts.length) {
      case 1:
        String single = parts[0].toLowerCase(Locale.ROOT);
        if (KNOWN_OS.contains(normaliseOs(single))) {
          return new Platform(single, "amd64", "");
        }
        return new Platform("linux", single, "");
      case 2:
        return new Platform(parts[0], parts[1], "");
      case 3:
        return new Platform(parts[0], parts[1], parts[2]);
      default:
        throw new IllegalArgumentException(
            "invalid platform \"" + specifier + "\": expected os/architecture[/variant]");
    }
  }

  private static String normaliseOs(String os) {
    String lower = os.toLowerCase(Locale.ROOT);
    return lower.equals("macos") ? "darwin" : lower;
  }

  private static String[] normaliseArchitecture(String architecture, String variant) {
    String arch = architecture.toLowerCase(Locale.ROOT);
    String v = variant.toLowerCase(Locale.ROOT);
    switch (arch) {
      case "i386":
        return new String[] {"386", ""};
      case "x86_64":
      case "x86-64":
      case "amd64":
        return new String[] {"amd64", v.equals("v1") ? "" : v};
      case "aarch64":
      case "arm64":
        switch (v) {
          case "8":
          case "v8":
          case "v8.0":
            return new String[] {"arm64", ""};
          case "9":
          case "9.0":
          case "v9.0":
            return new String[] {"arm64", "v9"};
          default:
            return new String[] {"arm64", v};
        }
      case "armhf":
        return new String[] {"arm", "v7"};
      case "armel":
        return new String[] {"arm", "v6"};
      case "arm":
        switch (v) {
          case "":
          case "7":
            return new String[] {"arm", "v7"};
          case "5":
          case "6":
          case "8":
            return new String[] {"arm", "v" + v};
          default:
            return new String[] {"arm", v};
        }
      default:
        return new String[] {arch, v};
    }
  }

  /**
   * The platforms this one can run, best first; the first entry is this platform itself.
   * Mirrors containerd's platform vector.
   */
  public List<Platform> compatible() {
    List<Platform> vector = new ArrayList<>();
    vector.add(this);
    switch (architecture) {
      case "amd64":
        int amd64Level = versionNumber(variant);
        for (int level = amd64Level - 1; level >= 1; level--) {
          vector.add(new Platform(os, "amd64", "v" + level));
        }
        vector.add(new Platform(os, "386", ""));
        break;
      case "arm":
        addArmDownTo5(vector, versionNumber(variant));
        break;
      case "arm64":
        String v = variant.isEmpty() ? "v8" : variant;
        String major = v.contains(".") ? v.substring(0, v.indexOf('.')) : v;
        int armMajor = versionNumber(major);
        if (armMajor >= 8) {
          int armMinor = 0;
          if (v.length() == 4 && v.contains(".")) {
            armMinor = versionNumber("v" + v.substring(v.indexOf('.') + 1));
            armMinor = Math.max(armMinor, 0);
          }
          if (armMajor == 9) {
            for (int minor = armMinor - 1; minor >= 0; minor--) {
              vector.add(new Platform(os, "arm64", minor == 0 ? "v9" : "v9." + minor));
            }
            // v9.x descends from v8.(x+5), up to v8.9
            armMinor = Math.min(armMinor + 5, 9);
            armMajor = 8;
            vector.add(new Platform(os, "arm64", "v8." + armMinor));
          }
          for (int minor = armMinor - 1; minor >= 0; minor--) {
            vector.add(new Platform(os, "arm64", minor == 0 ? "v" + armMajor : "v" + armMajor + "." + minor));
          }
        }
        vector.add(new Platform(os, "arm", "v8"));
        addArmDownTo5(vector, 8);
        break;
      default:
        break;
    }
    return List.copyOf(vector);
  }

  private void addArmDownTo5(List<Platform> vector, int armVersion) {
    for (int level = armVersion - 1; level >= 5; level--) {
      vector.add(new Platform(os, "arm", "v" + level));
    }
  }

  private static int versionNumber(String variant) {
    String digits = variant.startsWith("v") ? variant.substring(1) : variant;
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 3) {
      return -1;
    }
    return Integer.parseInt(digits);
  }

  /**
   * How well a candidate (e.g. an index entry's platform) suits this platform: 0 for an exact
   * match, higher for a fallback this platform can still run, -1 when it cannot run it.
   */
  public int rank(Platform candidate) {
    List<Platform> vector = compatible();
    for (int i = 0; i < vector.size(); i++) {
      if (vector.get(i).equals(candidate)) {
        return i;
      }
    }
    return -1;
  }

  /** "os/arch" or "os/arch/variant" of the normalised platform. */
  @Override
  public String toString() {
    return variant.isEmpty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
}
