package dev.vigil.vulndb.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A strict SemVer 2.0.0 version, as parsed from an image tag or a release name.
 *
 * <p>Ordering ({@link #compareTo}) is SemVer precedence and ignores build metadata, so it is not
 * consistent with {@link #equals}: {@code 1.0.0+a} and {@code 1.0.0+b} are different records of
 * equal precedence. {@link #toString} gives the canonical text, without a {@code v} prefix.
 *
 * @param major major version
 * @param minor minor version
 * @param patch patch version
 * @param prerelease pre-release identifiers ({@code ["rc", "1"]} for {@code -rc.1}); empty for a
 *     release
 * @param build build metadata identifiers; empty when there are none
 */
public record Semver(long major, long minor, long patch, List<String> prerelease,
    List<String> build) implements Comparable<Semver> {

  private static final String MAX_LONG = Long.toString(Long.MAX_VALUE);

  public Semver {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException(
          "negative version number in " + major + "." + minor + "." + patch);
    }
    prerelease = List.copyOf(Objects.requireNonNull(prerelease, "prerelease"));
    build = List.copyOf(Objects.requireNonNull(build, "build"));
  }

  /**
   * Parses a strict SemVer 2.0.0 version, optionally prefixed with {@code v} or {@code V}.
   *
   * @return the version, or empty when the text is not strict SemVer or a major, minor or patch
   *     number does not fit in a {@code long}
   */
  public static Optional<Semver> parse(String text) {
    Objects.requireNonNull(text, "text");
    if (SemverVersionScheme.strictEnd(text) != text.length()) {
      return Optional.empty();
    }
    int i = SemverVersionScheme.skipPrefix(text);
    long[] numbers = new long[3];
    for (int part = 0; part < 3; part++) {
      int end = Substrings.digitRunEnd(text, i, text.length());
      if (Substrings.compareAsNumbers(text, i, end, MAX_LONG, 0, MAX_LONG.length()) > 0) {
        return Optional.empty();
      }
      numbers[part] = Long.parseLong(text, i, end, 10);
      i = end + 1; // skips the dot; after the patch number it skips the '-' or '+'
    }
    int patchEnd = i - 1;
    int plus = text.indexOf('+', patchEnd);
    List<String> prerelease = List.of();
    if (patchEnd < text.length() && text.charAt(patchEnd) == '-') {
      prerelease = splitIdentifiers(text, patchEnd + 1, plus < 0 ? text.length() : plus);
    }
    List<String> build = plus < 0 ? List.of() : splitIdentifiers(text, plus + 1, text.length());
    return Optional.of(new Semver(numbers[0], numbers[1], numbers[2], prerelease, build));
  }

  private static List<String> splitIdentifiers(String text, int from, int end) {
    List<String> identifiers = new ArrayList<>();
    int start = from;
    for (int i = from; i <= end; i++) {
      if (i == end || text.charAt(i) == '.') {
        identifiers.add(text.substring(start, i));
        start = i + 1;
      }
    }
    return identifiers;
  }

  /** True when this version has pre-release identifiers. */
  public boolean isPrerelease() {
    return !prerelease.isEmpty();
  }

  @Override
  public int compareTo(Semver other) {
    int result = Long.compare(major, other.major);
    if (result == 0) {
      result = Long.compare(minor, other.minor);
    }
    if (result == 0) {
      result = Long.compare(patch, other.patch);
    }
    if (result != 0) {
      return result;
    }
    if (prerelease.isEmpty() || other.prerelease.isEmpty()) {
      return Boolean.compare(prerelease.isEmpty(), other.prerelease.isEmpty());
    }
    int common = Math.min(prerelease.size(), other.prerelease.size());
    for (int k = 0; k < common; k++) {
      String mine = prerelease.get(k);
      String theirs = other.prerelease.get(k);
      result =
          SemverVersionScheme.compareIdentifiers(
              mine, 0, mine.length(), theirs, 0, theirs.length());
      if (result != 0) {
        return result;
      }
    }
    return Integer.compare(prerelease.size(), other.prerelease.size());
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder().append(major).append('.').append(minor).append('.')
        .append(patch);
    if (!prerelease.isEmpty()) {
      text.append('-').append(String.join(".", prerelease));
    }
    if (!build.isEmpty()) {
      text.append('+').append(String.join(".", build));
    }
    return text.toString();
  }
}
