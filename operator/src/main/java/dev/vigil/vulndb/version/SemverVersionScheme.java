package dev.vigil.vulndb.version;

import static dev.vigil.vulndb.version.Substrings.compareAsNumbers;
import static dev.vigil.vulndb.version.Substrings.compareAsText;
import static dev.vigil.vulndb.version.Substrings.digitRunEnd;
import static dev.vigil.vulndb.version.Substrings.isAsciiLetter;
import static dev.vigil.vulndb.version.Substrings.isDigit;

import java.util.Objects;

/**
 * Semantic Versioning 2.0.0 precedence, tolerating a leading {@code v} or {@code V}.
 *
 * <p>Major, minor and patch compare as numbers (of any length); a version with a pre-release
 * ({@code -rc.1}) is lower than the same version without; pre-release identifiers compare one by
 * one, numeric ones as numbers and below alphanumeric ones, alphanumeric ones as ASCII text, and
 * a longer list of otherwise equal identifiers is higher. Build metadata ({@code +build}) is
 * ignored.
 *
 * <p>Versions that are not strict SemVer compare leniently, as osv-scalibr does: missing minor or
 * patch numbers count as 0, leading zeros are ignored, and whatever follows the three numbers
 * without starting a pre-release or build (for example {@code .4.5} in {@code 1.2.3.4.5}) is
 * treated as build metadata and ignored.
 */
public final class SemverVersionScheme implements VersionScheme {

  /** Strict SemVer 2.0.0 validity. */
  public static final SemverVersionScheme INSTANCE = new SemverVersionScheme(false);

  /**
   * The same order; valid are also versions that lack the minor or patch number or have leading
   * zeros ({@code 0.1}, {@code 1.02.3-rc.01}), which GitHub's advisories write for crates.io and
   * npm and which this order reads without ambiguity (as {@code 0.1.0}, {@code 1.2.3-rc.1}).
   */
  public static final SemverVersionScheme LENIENT = new SemverVersionScheme(true);

  private final boolean lenient;

  private SemverVersionScheme(boolean lenient) {
    this.lenient = lenient;
  }

  @Override
  public String name() {
    return "semver";
  }

  @Override
  public int compare(String a, String b) {
    Objects.requireNonNull(a, "version a");
    Objects.requireNonNull(b, "version b");
    int i = skipPrefix(a);
    int j = skipPrefix(b);
    boolean aInCore = true;
    boolean bInCore = true;
    for (int part = 0; part < 3; part++) {
      int iEnd = aInCore ? digitRunEnd(a, i, a.length()) : i;
      int jEnd = bInCore ? digitRunEnd(b, j, b.length()) : j;
      int result = compareAsNumbers(a, i, iEnd, b, j, jEnd);
      if (result != 0) {
        return result;
      }
      i = iEnd;
      j = jEnd;
      if (part < 2) {
        aInCore = aInCore && startsNextNumber(a, i);
        bInCore = bInCore && startsNextNumber(b, j);
        if (aInCore) {
          i++;
        }
        if (bInCore) {
          j++;
        }
      }
    }
    boolean aPre = i < a.length() && a.charAt(i) == '-';
    boolean bPre = j < b.length() && b.charAt(j) == '-';
    if (!aPre || !bPre) {
      return aPre == bPre ? 0 : (aPre ? -1 : 1);
    }
    return comparePrereleases(a, i + 1, buildStart(a, i + 1), b, j + 1, buildStart(b, j + 1));
  }

  /**
   * True for a strict SemVer 2.0.0 version (optionally prefixed with {@code v} or {@code V}):
   * three numbers without leading zeros, optional pre-release and build identifiers made of
   * ASCII letters, digits and hyphens, numeric pre-release identifiers without leading zeros.
   * Numbers may be of any length.
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    return (lenient ? lenientEnd(version) : strictEnd(version)) == version.length();
  }

  /**
   * Like {@link #strictEnd}, but one to three numbers, leading zeros allowed, also in numeric
   * pre-release identifiers.
   */
  static int lenientEnd(String s) {
    int i = skipPrefix(s);
    for (int part = 0; part < 3; part++) {
      int end = digitRunEnd(s, i, s.length());
      if (end == i) {
        return -1;
      }
      i = end;
      if (!startsNextNumber(s, i)) {
        break;
      }
      if (part < 2) {
        i++;
      }
    }
    if (i < s.length() && s.charAt(i) == '-') {
      i = identifiersEnd(s, i + 1, false);
      if (i < 0) {
        return -1;
      }
    }
    if (i < s.length() && s.charAt(i) == '+') {
      i = identifiersEnd(s, i + 1, false);
      if (i < 0) {
        return -1;
      }
    }
    return i == s.length() ? i : -1;
  }

  /**
   * Index where a strict SemVer version starting at the beginning of s (after an optional
   * {@code v}) ends, or -1 when s does not start with one; used by {@link #isValid} and {@link
   * Semver#parse}.
   */
  static int strictEnd(String s) {
    int i = skipPrefix(s);
    for (int part = 0; part < 3; part++) {
      int end = digitRunEnd(s, i, s.length());
      if (end == i || (s.charAt(i) == '0' && end - i > 1)) {
        return -1;
      }
      i = end;
      if (part < 2) {
        if (i >= s.length() || s.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
    }
    if (i < s.length() && s.charAt(i) == '-') {
      i = identifiersEnd(s, i + 1, true);
      if (i < 0) {
        return -1;
      }
    }
    if (i < s.length() && s.charAt(i) == '+') {
      i = identifiersEnd(s, i + 1, false);
      if (i < 0) {
        return -1;
      }
    }
    return i == s.length() ? i : -1;
  }

  /**
   * End of a dot-separated list of non-empty identifiers starting at from, or -1 when an
   * identifier is empty or (for pre-releases) numeric with a leading zero.
   */
  private static int identifiersEnd(String s, int from, boolean prerelease) {
    int i = from;
    while (true) {
      int start = i;
      boolean numeric = true;
      while (i < s.length() && isIdentifierChar(s.charAt(i))) {
        numeric &= isDigit(s.charAt(i));
        i++;
      }
      if (i == start) {
        return -1;
      }
      if (prerelease && numeric && i - start > 1 && s.charAt(start) == '0') {
        return -1;
      }
      if (i >= s.length() || s.charAt(i) != '.') {
        return i;
      }
      i++;
    }
  }

  static boolean isIdentifierChar(char c) {
    return isDigit(c) || isAsciiLetter(c) || c == '-';
  }

  static int skipPrefix(String s) {
    return !s.isEmpty() && (s.charAt(0) == 'v' || s.charAt(0) == 'V') ? 1 : 0;
  }

  private static boolean startsNextNumber(String s, int i) {
    return i + 1 < s.length() && s.charAt(i) == '.' && isDigit(s.charAt(i + 1));
  }

  private static int buildStart(String s, int from) {
    int plus = s.indexOf('+', from);
    return plus < 0 ? s.length() : plus;
  }

  private static int comparePrereleases(
      String a, int aFrom, int aEnd, String b, int bFrom, int bEnd) {
    int i = aFrom;
    int j = bFrom;
    while (true) {
      int iEnd = identifierEnd(a, i, aEnd);
      int jEnd = identifierEnd(b, j, bEnd);
      int result = compareIdentifiers(a, i, iEnd, b, j, jEnd);
      if (result != 0) {
        return result;
      }
      boolean aMore = iEnd < aEnd;
      boolean bMore = jEnd < bEnd;
      if (!aMore || !bMore) {
        return aMore == bMore ? 0 : (aMore ? 1 : -1);
      }
      i = iEnd + 1;
      j = jEnd + 1;
    }
  }

  private static int identifierEnd(String s, int from, int end) {
    int i = from;
    while (i < end && s.charAt(i) != '.') {
      i++;
    }
    return i;
  }

  /** SemVer rule 11: numeric identifiers compare as numbers and below alphanumeric ones. */
  static int compareIdentifiers(String a, int aFrom, int aEnd, String b, int bFrom, int bEnd) {
    boolean aNumeric = aEnd > aFrom && digitRunEnd(a, aFrom, aEnd) == aEnd;
    boolean bNumeric = bEnd > bFrom && digitRunEnd(b, bFrom, bEnd) == bEnd;
    if (aNumeric && bNumeric) {
      return compareAsNumbers(a, aFrom, aEnd, b, bFrom, bEnd);
    }
    if (aNumeric || bNumeric) {
      return aNumeric ? -1 : 1;
    }
    return compareAsText(a, aFrom, aEnd, b, bFrom, bEnd);
  }
}
