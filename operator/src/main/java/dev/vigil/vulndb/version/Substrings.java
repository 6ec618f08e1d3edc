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

  /**
   * True for a non-empty string without ASCII blanks, control characters (C0, DEL, C1) or
   * unpaired surrogates: the common ground of the language schemes' validity.
   */
  static boolean isPrintableWithoutBlanks(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || (c >= 0x7f && c <= 0x9f) || Character.isWhitespace(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
