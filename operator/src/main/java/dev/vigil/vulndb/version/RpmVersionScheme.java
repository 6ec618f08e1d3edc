package dev.vigil.vulndb.version;

import static dev.vigil.vulndb.version.Substrings.compareAsNumbers;
import static dev.vigil.vulndb.version.Substrings.compareAsText;
import static dev.vigil.vulndb.version.Substrings.digitRunEnd;
import static dev.vigil.vulndb.version.Substrings.isAsciiLetter;
import static dev.vigil.vulndb.version.Substrings.isDigit;

import java.util.Objects;

/**
 * RPM package labels, {@code [epoch:]version[-release]}, ordered as rpm's {@code labelCompare}
 * orders the (epoch, version, release) triples that rpm's own parser makes of them.
 *
 * <p>Parsing follows rpm: the epoch is the run of digits at the start when a colon follows it
 * (missing or empty epoch = 0); the release is what follows the last hyphen (a label without a
 * hyphen has no release). Epochs, versions and releases compare with {@code rpmvercmp}: runs of
 * ASCII letters and of digits are compared segment by segment, everything else only separates
 * segments; a number beats letters, numbers compare as numbers of any length, letters as text;
 * {@code ~} sorts before everything, even the end ({@code 1.0~rc1 < 1.0}); {@code ^} sorts after
 * the end but before anything else ({@code 1.0 < 1.0^git1 < 1.0.1}). A label without release is
 * lower than the same label with any release ({@code 1 < 1-0}).
 */
public final class RpmVersionScheme implements VersionScheme {

  public static final RpmVersionScheme INSTANCE = new RpmVersionScheme();

  private static final String MAX_EPOCH = "4294967295"; // epochs are 32-bit unsigned in rpm

  private RpmVersionScheme() {}

  @Override
  public String name() {
    return "rpm";
  }

  @Override
  public int compare(String a, String b) {
    Objects.requireNonNull(a, "version a");
    Objects.requireNonNull(b, "version b");
    if (a.equals(b)) {
      return 0;
    }
    int aLeadingDigits = digitRunEnd(a, 0, a.length());
    int bLeadingDigits = digitRunEnd(b, 0, b.length());
    boolean aHasEpoch = aLeadingDigits < a.length() && a.charAt(aLeadingDigits) == ':';
    boolean bHasEpoch = bLeadingDigits < b.length() && b.charAt(bLeadingDigits) == ':';
    int result =
        compareAsNumbers(
            a, 0, aHasEpoch ? aLeadingDigits : 0, b, 0, bHasEpoch ? bLeadingDigits : 0);
    if (result != 0) {
      return result;
    }

    int aVersion = aHasEpoch ? aLeadingDigits + 1 : 0;
    int bVersion = bHasEpoch ? bLeadingDigits + 1 : 0;
    int aHyphen = releaseHyphen(a, aLeadingDigits);
    int bHyphen = releaseHyphen(b, bLeadingDigits);
    result =
        rpmvercmp(
            a, aVersion, aHyphen < 0 ? a.length() : aHyphen,
            b, bVersion, bHyphen < 0 ? b.length() : bHyphen);
    if (result != 0) {
      return result;
    }
    if (aHyphen < 0 || bHyphen < 0) {
      return aHyphen < 0 == bHyphen < 0 ? 0 : (aHyphen < 0 ? -1 : 1);
    }
    return rpmvercmp(a, aHyphen + 1, a.length(), b, bHyphen + 1, b.length());
  }

  /**
   * True for a label rpm would build: an optional epoch of digits (at most 2^32-1) followed by a
   * colon, a non-empty version and an optional non-empty release after a single hyphen, both
   * made of ASCII letters, digits and {@code . _ + ~ ^}.
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    int leadingDigits = digitRunEnd(version, 0, version.length());
    int start = 0;
    if (leadingDigits < version.length() && version.charAt(leadingDigits) == ':') {
      if (leadingDigits == 0 || !epochFits(version, leadingDigits)) {
        return false;
      }
      start = leadingDigits + 1;
    }
    int hyphen = version.indexOf('-', start);
    int versionEnd = hyphen < 0 ? version.length() : hyphen;
    if (!isLabelPart(version, start, versionEnd)) {
      return false;
    }
    return hyphen < 0 || isLabelPart(version, hyphen + 1, version.length());
  }

  private static boolean isLabelPart(String s, int from, int to) {
    if (from == to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!isDigit(c) && !isAsciiLetter(c) && "._+~^".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean epochFits(String s, int digitsEnd) {
    return compareAsNumbers(s, 0, digitsEnd, MAX_EPOCH, 0, MAX_EPOCH.length()) <= 0;
  }

  /** rpm looks for the release hyphen only after the leading digits (the epoch candidate). */
  private static int releaseHyphen(String s, int leadingDigits) {
    int hyphen = s.lastIndexOf('-');
    return hyphen >= leadingDigits ? hyphen : -1;
  }

  private static boolean isAsciiAlphanumeric(char c) {
    return isDigit(c) || isAsciiLetter(c);
  }

  /** rpm's rpmvercmp over the ranges [aFrom, aEnd) and [bFrom, bEnd). */
  static int rpmvercmp(String a, int aFrom, int aEnd, String b, int bFrom, int bEnd) {
    int i = aFrom;
    int j = bFrom;
    while (i < aEnd || j < bEnd) {
      while (i < aEnd && isSeparator(a.charAt(i))) {
        i++;
      }
      while (j < bEnd && isSeparator(b.charAt(j))) {
        j++;
      }
      boolean aTilde = i < aEnd && a.charAt(i) == '~';
      boolean bTilde = j < bEnd && b.charAt(j) == '~';
      if (aTilde || bTilde) {
        if (!aTilde) {
          return 1;
        }
        if (!bTilde) {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      boolean aCaret = i < aEnd && a.charAt(i) == '^';
      boolean bCaret = j < bEnd && b.charAt(j) == '^';
      if (aCaret || bCaret) {
        if (i >= aEnd) {
          return -1;
        }
        if (j >= bEnd) {
          return 1;
        }
        if (!aCaret) {
          return 1;
        }
        if (!bCaret) {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      if (i >= aEnd || j >= bEnd) {
        break;
      }
      int aSegmentEnd;
      int bSegmentEnd;
      boolean numeric = isDigit(a.charAt(i));
      if (numeric) {
        aSegmentEnd = digitRunEnd(a, i, aEnd);
        bSegmentEnd = digitRunEnd(b, j, bEnd);
      } else {
        aSegmentEnd = letterRunEnd(a, i, aEnd);
        bSegmentEnd = letterRunEnd(b, j, bEnd);
      }
      if (bSegmentEnd == j) {
        // Segments of different types: the numeric one is newer.
        return numeric ? 1 : -1;
      }
      int result =
          numeric
              ? compareAsNumbers(a, i, aSegmentEnd, b, j, bSegmentEnd)
              : compareAsText(a, i, aSegmentEnd, b, j, bSegmentEnd);
      if (result != 0) {
        return result;
      }
      i = aSegmentEnd;
      j = bSegmentEnd;
    }
    if (i >= aEnd && j >= bEnd) {
      return 0;
    }
    return i >= aEnd ? -1 : 1;
  }

  private static boolean isSeparator(char c) {
    return !isAsciiAlphanumeric(c) && c != '~' && c != '^';
  }

  private static int letterRunEnd(String s, int from, int end) {
    int i = from;
    while (i < end && isAsciiLetter(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
