package dev.vigil.inventory;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells which distribution and release an image is built on, from its release files.
 *
 * <p>Order of evidence: {@code etc/os-release}, then {@code usr/lib/os-release} (os-release(5)
 * makes the latter the fallback; on Debian and Ubuntu the former is only a symlink to it); a Debian
 * or Alpine os-release without VERSION_ID (distroless) takes the release from {@code
 * etc/debian_version} or {@code etc/alpine-release}. Without a usable os-release: {@code
 * etc/lsb-release}, {@code etc/redhat-release}, {@code etc/system-release} and the vendor-named
 * copies of the latter ({@link #VENDOR_RELEASES}), {@code etc/alpine-release}, {@code
 * etc/debian_version}, in that order (Ubuntu also ships a debian_version naming the Debian testing
 * it forked from, so it must come last).
 *
 * <p>{@link OsInfo#version()} is the release as the distribution's advisories name it: the major
 * number for Debian and the Enterprise Linux family, major.minor for Alpine, VERSION_ID unchanged
 * otherwise. It is null when no file names a release. The returned info is not yet evaluated for
 * end of life (see {@link OsEndOfLife}); its date is the os-release SUPPORT_END when the file
 * declares one.
 */
public final class OsDetector {

  public static final String ETC_OS_RELEASE = "etc/os-release";
  public static final String USR_LIB_OS_RELEASE = "usr/lib/os-release";
  public static final String LSB_RELEASE = "etc/lsb-release";
  public static final String REDHAT_RELEASE = "etc/redhat-release";
  public static final String SYSTEM_RELEASE = "etc/system-release";

  /**
   * Vendor-named copies of redhat-release. In most images etc/redhat-release and etc/system-release
   * are symlinks to one of these, and the layer walker captures regular files only.
   */
  public static final List<String> VENDOR_RELEASES =
      List.of(
          "etc/centos-release",
          "etc/almalinux-release",
          "etc/rocky-release",
          "etc/fedora-release",
          "etc/oracle-release");

  public static final String ALPINE_RELEASE = "etc/alpine-release";
  public static final String DEBIAN_VERSION = "etc/debian_version";

  private static final List<String> RED_HAT_STYLE_RELEASES = redHatStyleReleases();

  private static final Pattern NUMBERED_RELEASE = Pattern.compile("\\d+(\\.\\d+)*");

  /** Every file the detector reads, as normalised image paths. */
  public static final List<String> RELEASE_FILES = releaseFiles();

  /** Enterprise Linux rebuilds: advisories are per major release. */
  private static final Set<String> MAJOR_ONLY =
      Set.of("debian", "rhel", "centos", "centos-stream", "almalinux", "rocky", "ol", "scientific");

  private static final Pattern RELEASE_LINE = Pattern.compile("^(.+?) release (\\S+)");
  private static final Pattern LEADING_NUMBER = Pattern.compile("^\\d+");
  private static final Pattern MAJOR_MINOR = Pattern.compile("^\\d+(\\.\\d+)?");

  private OsDetector() {}

  /**
   * Detects the OS from release file contents.
   *
   * @param releaseFiles contents by normalised path (any of {@link #RELEASE_FILES}); absent files
   *     are simply missing from the map
   * @return the OS, or empty when no file identifies a distribution
   */
  public static Optional<OsInfo> detect(Map<String, byte[]> releaseFiles) {
    for (String path : List.of(ETC_OS_RELEASE, USR_LIB_OS_RELEASE)) {
      byte[] content = releaseFiles.get(path);
      if (content == null) {
        continue;
      }
      Optional<OsInfo> found = fromOsRelease(OsReleaseFields.parse(content), releaseFiles);
      if (found.isPresent()) {
        return found;
      }
    }
    Optional<OsInfo> found = fromLsbRelease(releaseFiles);
    for (String path : RED_HAT_STYLE_RELEASES) {
      if (found.isPresent()) {
        return found;
      }
      found = fromRedHatStyleRelease(releaseFiles.get(path));
    }
    return found
        .or(() -> fromAlpineRelease(releaseFiles.get(ALPINE_RELEASE)))
        .or(() -> fromDebianVersion(releaseFiles.get(DEBIAN_VERSION)));
  }

  private static List<String> redHatStyleReleases() {
    List<String> paths = new ArrayList<>(List.of(REDHAT_RELEASE, SYSTEM_RELEASE));
    paths.addAll(VENDOR_RELEASES);
    return List.copyOf(paths);
  }

  private static List<String> releaseFiles() {
    List<String> paths = new ArrayList<>(List.of(ETC_OS_RELEASE, USR_LIB_OS_RELEASE, LSB_RELEASE));
    paths.addAll(redHatStyleReleases());
    paths.addAll(List.of(ALPINE_RELEASE, DEBIAN_VERSION));
    return List.copyOf(paths);
  }

  private static Optional<OsInfo> fromOsRelease(
      Map<String, String> fields, Map<String, byte[]> releaseFiles) {
    String id = lower(fields.get("ID"));
    // Trivy and Syft agree: a file without ID, or with the placeholder "unknown", names nothing.
    if (id == null || id.isEmpty() || id.equals("unknown")) {
      return Optional.empty();
    }
    String name = fields.getOrDefault("NAME", "");
    String family = osReleaseFamily(id, name);
    String rawVersion = blankToNull(fields.get("VERSION_ID"));
    if (rawVersion == null && family.equals("debian")) {
      rawVersion = firstLine(releaseFiles.get(DEBIAN_VERSION));
    } else if (rawVersion == null && family.equals("alpine")) {
      rawVersion = firstLine(releaseFiles.get(ALPINE_RELEASE));
    }
    String pretty = blankToNull(fields.get("PRETTY_NAME"));
    if (pretty == null) {
      pretty = blankToNull(name);
    }
    return Optional.of(
        new OsInfo(
            family,
            advisoryVersion(family, rawVersion),
            pretty,
            false,
            parseDate(fields.get("SUPPORT_END")),
            preciseRelease(family, rawVersion, releaseFiles)));
  }

  /**
   * os-release says "12" on Debian and "3.20.3" on Alpine; debian_version and alpine-release carry
   * the point release ("12.15", "3.20.3"), which SBOM tools name in purls. Only a numbered
   * debian_version counts: Ubuntu's names the Debian testing it forked from ("bookworm/sid").
   */
  private static String preciseRelease(String family, String rawVersion, Map<String, byte[]> releaseFiles) {
    String file = switch (family) {
      case "debian" -> firstLine(releaseFiles.get(DEBIAN_VERSION));
      case "alpine" -> firstLine(releaseFiles.get(ALPINE_RELEASE));
      default -> null;
    };
    if (file != null && NUMBERED_RELEASE.matcher(file).matches()
        && (rawVersion == null || file.equals(rawVersion) || file.startsWith(rawVersion + "."))) {
      return file;
    }
    return rawVersion;
  }

  private static String osReleaseFamily(String id, String name) {
    // openSUSE Leap 42.x still used ID=opensuse; Leap 15 switched to opensuse-leap.
    if (id.equals("opensuse") && name.contains("Leap")) {
      return "opensuse-leap";
    }
    // CentOS Stream keeps ID=centos but is a different product with its own lifecycle.
    if (id.equals("centos") && name.startsWith("CentOS Stream")) {
      return "centos-stream";
    }
    return id;
  }

  private static Optional<OsInfo> fromLsbRelease(Map<String, byte[]> releaseFiles) {
    byte[] content = releaseFiles.get(LSB_RELEASE);
    if (content == null) {
      return Optional.empty();
    }
    Map<String, String> fields = OsReleaseFields.parse(content);
    String id = lower(blankToNull(fields.get("DISTRIB_ID")));
    if (id == null) {
      return Optional.empty();
    }
    String release = blankToNull(fields.get("DISTRIB_RELEASE"));
    return Optional.of(
        new OsInfo(
            id,
            advisoryVersion(id, release),
            blankToNull(fields.get("DISTRIB_DESCRIPTION")),
            false,
            null));
  }

  private static Optional<OsInfo> fromRedHatStyleRelease(byte[] content) {
    String line = firstLine(content);
    if (line == null) {
      return Optional.empty();
    }
    Matcher m = RELEASE_LINE.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    String product = m.group(1);
    String family;
    if (product.startsWith("Red Hat")) {
      family = "rhel";
    } else if (product.startsWith("CentOS Stream")) {
      family = "centos-stream";
    } else if (product.startsWith("CentOS")) {
      family = "centos";
    } else if (product.startsWith("AlmaLinux")) {
      family = "almalinux";
    } else if (product.startsWith("Rocky Linux")) {
      family = "rocky";
    } else if (product.startsWith("Fedora")) {
      family = "fedora";
    } else if (product.startsWith("Oracle Linux")) {
      family = "ol";
    } else if (product.startsWith("Scientific Linux")) {
      family = "scientific";
    } else if (product.startsWith("Amazon Linux")) {
      family = "amzn";
    } else {
      return Optional.empty();
    }
    return Optional.of(new OsInfo(family, advisoryVersion(family, m.group(2)), line, false, null));
  }

  private static Optional<OsInfo> fromAlpineRelease(byte[] content) {
    String line = firstLine(content);
    if (line == null) {
      return Optional.empty();
    }
    return Optional.of(
        new OsInfo("alpine", advisoryVersion("alpine", line), "Alpine Linux " + line, false, null, line));
  }

  private static Optional<OsInfo> fromDebianVersion(byte[] content) {
    String line = firstLine(content);
    if (line == null) {
      return Optional.empty();
    }
    return Optional.of(
        new OsInfo(
            "debian", advisoryVersion("debian", line), "Debian GNU/Linux " + line, false, null,
            NUMBERED_RELEASE.matcher(line).matches() ? line : advisoryVersion("debian", line)));
  }

  /**
   * The release as advisories name it. Debian testing/unstable ("buster/sid") has no numbered
   * release, so it yields null rather than a guess.
   */
  static String advisoryVersion(String family, String raw) {
    if (raw == null) {
      return null;
    }
    if (MAJOR_ONLY.contains(family)) {
      Matcher m = LEADING_NUMBER.matcher(raw);
      return m.find() ? m.group() : null;
    }
    if (family.equals("alpine")) {
      Matcher m = MAJOR_MINOR.matcher(raw);
      return m.find() ? m.group() : null;
    }
    return raw;
  }

  private static String firstLine(byte[] content) {
    if (content == null) {
      return null;
    }
    String text = new String(content, StandardCharsets.UTF_8).strip();
    int nl = text.indexOf('\n');
    return blankToNull(nl < 0 ? text : text.substring(0, nl).strip());
  }

  private static LocalDate parseDate(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      // SUPPORT_END is optional and advisory; a malformed one is treated as absent.
      return null;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
