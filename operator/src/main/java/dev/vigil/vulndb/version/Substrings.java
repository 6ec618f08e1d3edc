package dev.vigil.vulndb.version;

/**
 * Compares ranges of two strings in place, without copying them: the common ground of every
 * version scheme's scanner.
 */
final class Substrings {

  private Substrings() {}

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Index just past the run of ASCII digits starting at {@code from} (limited by {@code end}). */
  static int digitRunEnd(String s, int from, int end) {
    int i = from;
    while (i < end && isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * Compares two runs of ASCII digits as unbounded non-negative integers (an empty run is zero).
   * Leading zeros are skipped and the longer remaining run is the larger number, so runs of any
   * length compare exactly and never overflow.
   */
  static int compareAsNumbers(String a, int aFrom, int aEnd, String b, int bFrom, int bEnd) {
    while (aFrom < aEnd && a.charAt(aFrom) == '0') {
      aFrom++;
    }
    while (bFrom < bEnd && b.charAt(bFrom) == '0') {
      bFrom++;
    }
    int aLength = aEnd - aFrom;
    int bLength = bEnd - bFrom;
    if (aLength != bLength) {
      return aLength < bLength ? -1 : 1;
    }
    return compareAsText(a, aFrom, aEnd, b, bFrom, bEnd);
  }

  /**
   * Compares two ranges character by character (UTF-16 code units, which is byte order for
   * ASCII); a range that is a proper prefix of the other sorts first.
   */
  static int compareAsText(String a, int aFrom, int aEnd, String b, int bFrom, int bEnd) {
    int common = Math.min(aEnd - aFrom, bEnd - bFrom);
    for (int k = 0; k < common; k++) {
      char ca = a.charAt(aFrom + k);
      char cb = b.charAt(bFrom + k);
      if (ca != cb) {
        return ca < cb ? -1 : 1;
      }
    }
    return Integer.compare(aEnd - aFrom, bEnd - bFrom);
  }
}
