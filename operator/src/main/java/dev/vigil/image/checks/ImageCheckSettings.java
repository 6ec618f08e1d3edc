package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an ImagePolicy's {@code checks} section asks of the image checks.
 *
 * @param excludedIds check ids not to run (ids of other check families are ignored here)
 * @param severityOverrides severity per check id, replacing the default
 * @param requiredLabels labels every image must carry (empty: VIG-IMG-012 never fires)
 * @param maxImageAge oldest acceptable build time; null switches VIG-IMG-015 off
 * @param forbiddenPorts ports no image may EXPOSE
 * @param forbiddenBinaries executable names no image may ship in its binary directories; names
 *     {@link BinaryKinds#isBuildToolOrPackageManager} knows go to VIG-IMG-006, all others to
 *     VIG-IMG-005
 */
public record ImageCheckSettings(
    Set<String> excludedIds,
    Map<String, Severity> severityOverrides,
    List<String> requiredLabels,
    Duration maxImageAge,
    Set<Integer> forbiddenPorts,
    Set<String> forbiddenBinaries) {

  /** Shells, network/download tools and privilege tools forbidden by default. */
  public static final Set<String> DEFAULT_SHELL_AND_NETWORK_TOOLS =
      orderedSet(
          "sh", "bash", "dash", "ash", "zsh", "ksh", "busybox", "nc", "ncat", "netcat", "socat",
          "curl", "wget", "telnet", "ftp", "ssh", "scp", "sudo");

  /**
   * Build toolchains and package managers forbidden by default. dpkg and rpm are deliberately
   * absent: they cannot download anything, they are essential parts of every deb/rpm based image
   * (removing them is not supported by the distributions) and they own the package database
   * vulnerability matching reads. apt, apk, yum, dnf and microdnf can fetch and install arbitrary
   * software and are included. See docs/checks.md.
   */
  public static final Set<String> DEFAULT_BUILD_TOOLS_AND_PACKAGE_MANAGERS =
      orderedSet(
          "gcc",
          "cc",
          "g++",
          "c++",
          "clang",
          "make",
          "cmake",
          "go",
          "javac",
          "mvn",
          "gradle",
          "pip",
          "pip3",
          "npm",
          "yarn",
          "apt",
          "apt-get",
          "apk",
          "yum",
          "dnf",
          "microdnf");

  public static final Duration DEFAULT_MAX_IMAGE_AGE = Duration.ofDays(365);

  public static final Set<Integer> DEFAULT_FORBIDDEN_PORTS = Set.of(22, 23);

  public ImageCheckSettings {
    excludedIds = excludedIds == null ? Set.of() : Set.copyOf(excludedIds);
    severityOverrides =
        severityOverrides == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(severityOverrides));
    requiredLabels = requiredLabels == null ? List.of() : List.copyOf(requiredLabels);
    if (maxImageAge != null && (maxImageAge.isNegative() || maxImageAge.isZero())) {
      throw new IllegalArgumentException("maxImageAge must be positive, got " + maxImageAge);
    }
    forbiddenPorts = forbiddenPorts == null ? Set.of() : Set.copyOf(forbiddenPorts);
    for (int port : forbiddenPorts) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("forbiddenPorts: " + port + " is not a port number");
      }
    }
    forbiddenBinaries =
        forbiddenBinaries == null
            ? Set.of()
            : Collections.unmodifiableSet(new TreeSet<>(forbiddenBinaries));
    for (String name : forbiddenBinaries) {
      if (name.isEmpty() || name.contains("/")) {
        throw new IllegalArgumentException(
            "forbiddenBinaries: \"" + name + "\" is not a file name (no slashes, not empty)");
      }
    }
  }

  /** The settings a policy without a {@code checks} section gets. */
  public static ImageCheckSettings defaults() {
    Set<String> binaries = new LinkedHashSet<>(DEFAULT_SHELL_AND_NETWORK_TOOLS);
    binaries.addAll(DEFAULT_BUILD_TOOLS_AND_PACKAGE_MANAGERS);
    return new ImageCheckSettings(
        Set.of(), Map.of(), List.of(), DEFAULT_MAX_IMAGE_AGE, DEFAULT_FORBIDDEN_PORTS, binaries);
  }

  /** The severity a check's findings get under these settings. */
  public Severity severityFor(String id, Severity defaultSeverity) {
    return severityOverrides.getOrDefault(id, defaultSeverity);
  }

  private static Set<String> orderedSet(String... names) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
  }
}
