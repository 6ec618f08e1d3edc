package dev.vigil.vulndb.version;

import static dev.vigil.vulndb.version.Substrings.compareAsNumbers;
import static dev.vigil.vulndb.version.Substrings.digitRunEnd;
import static dev.vigil.vulndb.version.Substrings.isAsciiLetter;
import static dev.vigil.vulndb.version.Substrings.isDigit;

import java.util.Objects;

/**
 * Debian package versions, {@code [epoch:]upstream[-revision]}, ordered as {@code dpkg
 * --compare-versions} orders them.
 *
 * <p>The epoch is the number before the first colon; the revision is what follows the last
 * hyphen. Epochs compare as numbers; upstream and revision compare with dpkg's {@code verrevcmp}:
 * alternating non-digit and digit parts, where in non-digit parts {@code ~} sorts before
 * everything (even the end of the string), then the end of the part, then letters, then all
 * other characters; digit parts compare as numbers. An empty (or all-blank) version is lower than
 * any other, as dpkg treats a missing version.
 *
 * <p>Strings that dpkg refuses to parse still get a fixed place: a text before the first colon
 * that is not an epoch number is not taken as an epoch (the whole string is then compared as
 * upstream version). Digit runs of any length compare exactly. Characters outside ASCII sort
 * after all ASCII characters.
 */
public final class DpkgVersionScheme implements VersionScheme {

  public static final DpkgVersionScheme INSTANCE = new DpkgVersionScheme();

  private static final String MAX_EPOCH = Integer.toString(Integer.MAX_VALUE);

  private DpkgVersionScheme() {}

  @Override
  public String name() {
    return "dpkg";
  }

  @Override
  public int compare(String a, String b) {
    Objects.requireNonNull(a, "version a");
    Objects.requireNonNull(b, "version b");
    int aStart = trimStart(a);
    int aEnd = trimEnd(a, aStart);
    int bStart = trimStart(b);
    int bEnd = trimEnd(b, bStart);
    boolean aBlank = aStart == aEnd;
    boolean bBlank = bStart == bEnd;
    if (aBlank || bBlank) {
      return aBlank == bBlank ? 0 : (aBlank ? -1 : 1);
    }

    int aColon = epochColon(a, aStart, aEnd);
    int bColon = epochColon(b, bStart, bEnd);
    int result =
        compareEpochs(a, aStart, aColon, b, bStart, bColon);
    if (result != 0) {
      return result;
    }

    int aVersion = aColon < 0 ? aStart : aColon + 1;
    int bVersion = bColon < 0 ? bStart : bColon + 1;
    int aHyphen = a.lastIndexOf('-', aEnd - 1);
    int bHyphen = b.lastIndexOf('-', bEnd - 1);
    if (aHyphen < aVersion) {
      aHyphen = -1;
    }
    if (bHyphen < bVersion) {
      bHyphen = -1;
    }
    result =
        verrevcmp(
            a, aVersion, aHyphen < 0 ? aEnd : aHyphen, b, bVersion, bHyphen < 0 ? bEnd : bHyphen);
    if (result != 0) {
      return result;
    }
    return verrevcmp(
        a, aHyphen < 0 ? aEnd : aHyphen + 1, aEnd, b, bHyphen < 0 ? bEnd : bHyphen + 1, bEnd);
  }

  /**
   * True when dpkg parses the version without error or warning: an optional epoch of at most
   * {@link Integer#MAX_VALUE}, a non-empty upstream version starting with a digit and made of
   * letters, digits and {@code . + ~ - :}, and an optional non-empty revision made of letters,
   * digits and {@code . + ~}. Leading and trailing blanks are ignored, as dpkg does.
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    int start = trimStart(version);
    int end = trimEnd(version, start);
    if (start == end) {
      return false;
    }
    int firstColon = version.indexOf(':', start);
    int versionStart = start;
    if (firstColon >= 0 && firstColon < end) {
      int colon = epochColon(version, start, end);
      if (colon < 0 || !epochFitsInt(version, start, colon)) {
        return false;
      }
      versionStart = colon + 1;
    }
    int hyphen = version.lastIndexOf('-', end - 1);
    int versionEnd = hyphen >= versionStart ? hyphen : end;
    if (versionEnd == versionStart || !isDigit(version.charAt(versionStart))) {
      return false;
    }
    for (int i = versionStart; i < versionEnd; i++) {
      char c = version.charAt(i);
      if (!isDigit(c) && !isAsciiLetter(c) && ".-+~:".indexOf(c) < 0) {
        return false;
      }
    }
    if (versionEnd == end) {
      return true;
    }
    if (versionEnd + 1 == end) {
      return false;
    }
    for (int i = versionEnd + 1; i < end; i++) {
      char c = version.charAt(i);
      if (!isDigit(c) && !isAsciiLetter(c) && ".+~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static int trimStart(String s) {
    int i = 0;
    while (i < s.length() && isBlank(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int trimEnd(String s, int start) {
    int end = s.length();
    while (end > start && isBlank(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /**
   * Index of the colon ending the epoch, or -1 when the text before the first colon is not an
   * epoch. dpkg reads the epoch with strtol, so an optional sign is accepted; a negative epoch is
   * an error in dpkg unless it is zero, and is not taken as an epoch here.
   */
  private static int epochColon(String s, int start, int end) {
    int colon = s.indexOf(':', start);
    if (colon < 0 || colon >= end) {
      return -1;
    }
    int digits = start;
    boolean negative = false;
    if (digits < colon && (s.charAt(digits) == '+' || s.charAt(digits) == '-')) {
      negative = s.charAt(digits) == '-';
      digits++;
    }
    if (digits == colon || digitRunEnd(s, digits, colon) != colon) {
      return -1;
    }
    if (negative && digitRunEnd(s, digits, colon) != zeroRunEnd(s, digits, colon)) {
      return -1;
    }
    return colon;
  }

  private static int zeroRunEnd(String s, int from, int end) {
    int i = from;
    while (i < end && s.charAt(i) == '0') {
      i++;
    }
    return i;
  }

  private static int epochDigitsStart(String s, int start) {
    char c = s.charAt(start);
    return c == '+' || c == '-' ? start + 1 : start;
  }

  private static boolean epochFitsInt(String s, int start, int colon) {
    int from = zeroRunEnd(s, epochDigitsStart(s, start), colon);
    int length = colon - from;
    if (length != MAX_EPOCH.length()) {
      return length < MAX_EPOCH.length();
    }
    return Substrings.compareAsText(s, from, colon, MAX_EPOCH, 0, MAX_EPOCH.length()) <= 0;
  }

  private static int compareEpochs(String a, int aStart, int aColon, String b, int bStart,
      int bColon) {
    int aFrom = aColon < 0 ? aStart : epochDigitsStart(a, aStart);
    int aTo = aColon < 0 ? aStart : aColon;
    int bFrom = bColon < 0 ? bStart : epochDigitsStart(b, bStart);
    int bTo = bColon < 0 ? bStart : bColon;
    return compareAsNumbers(a, aFrom, aTo, b, bFrom, bTo);
  }

  /** dpkg's character weight in non-digit parts; digits and the end of the part weigh 0. */
  private static int order(char c) {
    if (isDigit(c)) {
      return 0;
    }
    if (isAsciiLetter(c)) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }

  /** dpkg's verrevcmp over the ranges [aFrom, aEnd) and [bFrom, bEnd). */
  static int verrevcmp(String a, int aFrom, int aEnd, String b, int bFrom, int bEnd) {
    int i = aFrom;
    int j = bFrom;
    while (i < aEnd || j < bEnd) {
      while ((i < aEnd && !isDigit(a.charAt(i))) || (j < bEnd && !isDigit(b.charAt(j)))) {
        int ac = i < aEnd ? order(a.charAt(i)) : 0;
        int bc = j < bEnd ? order(b.charAt(j)) : 0;
        if (ac != bc) {
          return ac < bc ? -1 : 1;
        }
        // Equal weights here always mean the same non-digit character on both sides, so
        // neither index moves past its end.
        i++;
        j++;
      }
      int iDigitsEnd = digitRunEnd(a, i, aEnd);
      int jDigitsEnd = digitRunEnd(b, j, bEnd);
      int result = compareAsNumbers(a, i, iDigitsEnd, b, j, jDigitsEnd);
      if (result != 0) {
        return result;
      }
      i = iDigitsEnd;
      j = jDigitsEnd;
    }
    return 0;
  }
}
