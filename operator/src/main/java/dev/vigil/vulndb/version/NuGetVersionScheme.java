package dev.vigil.vulndb.version;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * NuGet's version order ({@code NuGet.Versioning.VersionComparer.Default}): SemVer 2.0 with up to
 * four numbers ({@code 1.0} = {@code 1.0.0.0}, leading zeros allowed), release labels compared
 * case-insensitively, and build metadata ({@code +...}) ignored.
 *
 * <p>The numbers compare by value, a missing one counting as 0; a version with a release label is
 * lower than the same numbers without one; labels compare identifier by identifier: identifiers
 * that .NET's {@code Int32.TryParse} reads as a number compare as numbers and below the others,
 * the others compare ordinally ignoring case, and a shorter list of equal identifiers is lower.
 *
 * <p>Strings that are not NuGet versions are read leniently: the leading run of dot-separated
 * numbers (any count, any size), then a label after {@code -} (or whatever else follows) up to
 * {@code +}. At most 256 characters of a version are read ({@link BoundedVersionScheme}).
 */
public final class NuGetVersionScheme extends BoundedVersionScheme {

  public static final NuGetVersionScheme INSTANCE = new NuGetVersionScheme();

  private static final String IDENTIFIERS = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
  private static final Pattern VALID =
      Pattern.compile("[0-9]+(?:\\.[0-9]+){0,3}(?:-" + IDENTIFIERS + ")?(?:\\+" + IDENTIFIERS + ")?");
  private static final String MAX_INT = Integer.toString(Integer.MAX_VALUE);

  private NuGetVersionScheme() {}

  @Override
  public String name() {
    return "nuget";
  }

  /**
   * True for what {@code NuGetVersion.TryParse} accepts: one to four numbers each within a 32-bit
   * signed integer, an optional label and optional metadata of dot-separated non-empty
   * identifiers of ASCII letters, digits and hyphens.
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    if (version.length() > MAX_PARSED || !VALID.matcher(version).matches()) {
      return false;
    }
    int numbersEnd = version.length();
    for (int k = 0; k < version.length(); k++) {
      char c = version.charAt(k);
      if (c == '-' || c == '+') {
        numbersEnd = k;
        break;
      }
    }
    for (String number : version.substring(0, numbersEnd).split("\\.")) {
      if (Substrings.compareAsNumbers(number, 0, number.length(), MAX_INT, 0, MAX_INT.length()) > 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  int compareBounded(String a, String b) {
    int i = 0;
    int j = 0;
    // The numbers: equal-length runs of dot-separated digit runs, missing ones are 0.
    while (true) {
      int iEnd = Substrings.digitRunEnd(a, i, a.length());
      int jEnd = Substrings.digitRunEnd(b, j, b.length());
      int result = Substrings.compareAsNumbers(a, i, iEnd, b, j, jEnd);
      if (result != 0) {
        return Integer.signum(result);
      }
      boolean aMore = continuesNumbers(a, iEnd);
      boolean bMore = continuesNumbers(b, jEnd);
      i = aMore ? iEnd + 1 : iEnd;
      j = bMore ? jEnd + 1 : jEnd;
      if (!aMore && !bMore) {
        break;
      }
    }
    // A label is whatever follows the numbers up to the metadata's '+', without its '-'.
    int aLabelEnd = labelEnd(a, i);
    int bLabelEnd = labelEnd(b, j);
    boolean aPre = i < aLabelEnd;
    boolean bPre = j < bLabelEnd;
    if (!aPre || !bPre) {
      return aPre == bPre ? 0 : (aPre ? -1 : 1);
    }
    return compareLabels(a, labelStart(a, i), aLabelEnd, b, labelStart(b, j), bLabelEnd);
  }

  private static boolean continuesNumbers(String s, int i) {
    return i + 1 < s.length() && s.charAt(i) == '.' && Substrings.isDigit(s.charAt(i + 1));
  }

  /** The label ends at the metadata's '+' or at the end. */
  private static int labelEnd(String s, int from) {
    int plus = s.indexOf('+', from);
    return plus < 0 ? s.length() : plus;
  }

  /** After the numbers a label normally starts with '-'; anything else is taken as the label. */
  private static int labelStart(String s, int from) {
    return from < s.length() && s.charAt(from) == '-' ? from + 1 : from;
  }

  private static int compareLabels(String a, int i, int aEnd, String b, int j, int bEnd) {
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
    int dot = s.indexOf('.', from);
    return dot < 0 || dot > end ? end : dot;
  }

  private static int compareIdentifiers(String a, int i, int iEnd, String b, int j, int jEnd) {
    Long x = int32(a, i, iEnd);
    Long y = int32(b, j, jEnd);
    if (x != null && y != null) {
      return Long.compare(x, y);
    }
    if (x != null || y != null) {
      return x != null ? -1 : 1;
    }
    // StringComparer.OrdinalIgnoreCase: ordinal comparison of the upper-cased characters.
    int common = Math.min(iEnd - i, jEnd - j);
    for (int k = 0; k < common; k++) {
      char ca = Character.toUpperCase(a.charAt(i + k));
      char cb = Character.toUpperCase(b.charAt(j + k));
      if (ca != cb) {
        return ca < cb ? -1 : 1;
      }
    }
    return Integer.compare(iEnd - i, jEnd - j);
  }

  /**
   * The identifier's value when {@code Int32.TryParse} (invariant culture, integer style) reads
   * it: an optional sign and ASCII digits within a 32-bit signed integer; else null.
   */
  private static Long int32(String s, int from, int end) {
    int i = from;
    boolean negative = false;
    if (i < end && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    if (i == end || Substrings.digitRunEnd(s, i, end) != end) {
      return null;
    }
    while (i < end - 1 && s.charAt(i) == '0') {
      i++;
    }
    if (end - i > 10) {
      return null;
    }
    long value = Long.parseLong(s, i, end, 10);
    value = negative ? -value : value;
    return value < Integer.MIN_VALUE || value > Integer.MAX_VALUE ? null : value;
  }
}
