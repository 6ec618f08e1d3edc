package dev.vigil.vulndb.version;

import static dev.vigil.vulndb.version.Substrings.compareAsNumbers;
import static dev.vigil.vulndb.version.Substrings.compareAsText;
import static dev.vigil.vulndb.version.Substrings.digitRunEnd;
import static dev.vigil.vulndb.version.Substrings.isDigit;

import java.util.Objects;

/**
 * Alpine package versions (also Wolfi, Chainguard and other apk-based distributions), ordered as
 * apk-tools' {@code version.c} orders them:
 * {@code number{.number}...{letter}{_suffix{number}}...{~hash}{-rN}}.
 *
 * <p>A version is read as a sequence of tokens; two versions are compared token by token. Same
 * kind of token: numbers compare as numbers, except that a dot-separated number with a leading
 * zero on either side compares as text (Gentoo rule, so {@code 1.01 < 1.1}); letters compare as
 * letters; suffixes in the order {@code _alpha < _beta < _pre < _rc < (none) < _cvs < _svn <
 * _git < _hg < _p}; commit hashes as text. When one version has a different kind of token at
 * some point, a pre-release suffix makes its version lower; otherwise the version whose token is
 * further down the grammar is lower: a further number beats a letter, a letter beats a suffix,
 * ..., a revision beats the end, and the end beats a malformed rest (apk-tools 3 places a
 * version that turns malformed below every well-formed continuation; two versions that turn
 * malformed at the same point are equal).
 *
 * <p>Beyond apk-tools 3's grammar, three older or lenient readings are kept, because real Alpine
 * data and the osv-scalibr test vectors depend on them:
 *
 * <ul>
 *   <li>a letter may be followed by more digits, as apk-tools 2.x read it ({@code 6.6.2p1-r0},
 *       used by older Alpine openssh packages, orders {@code p1 < p2});
 *   <li>{@code -r} with no number at the very end is revision 0, as in apk-tools 2.x; a revision
 *       followed by anything else makes the version malformed from the hyphen on;
 *   <li>an empty number (a version starting with a non-digit, or a dot not followed by digits)
 *       does not stop the comparison as apk-tools 3 would: it is its own kind of token, lower
 *       than any other token but the malformed rest, and the tokens after it still count
 *       ({@code 0..1..0 < 0..1..1}, {@code 0.r1 < 0r2}).
 * </ul>
 *
 * Numbers of any length compare exactly (apk-tools reads them into 64-bit integers).
 */
public final class ApkVersionScheme implements VersionScheme {

  public static final ApkVersionScheme INSTANCE = new ApkVersionScheme();

  // Token kinds, in apk-tools' order: when two versions differ in kind at a position, the one
  // with the higher kind is the lower version.
  private static final int INITIAL_NUMBER = 0;
  private static final int NUMBER = 1;
  private static final int LETTER = 2;
  private static final int SUFFIX = 3;
  private static final int SUFFIX_NUMBER = 4;
  private static final int COMMIT_HASH = 5;
  private static final int REVISION = 6;
  private static final int END = 7;
  private static final int EMPTY_NUMBER = 8;
  private static final int MALFORMED = 9;

  // Suffix weights; NO_SUFFIX separates pre-release suffixes (below) from post-release ones.
  private static final int SUFFIX_UNKNOWN = -1;
  private static final int SUFFIX_ALPHA = 0;
  private static final int SUFFIX_BETA = 1;
  private static final int SUFFIX_PRE = 2;
  private static final int SUFFIX_RC = 3;
  private static final int NO_SUFFIX = 4;
  private static final int SUFFIX_CVS = 5;
  private static final int SUFFIX_SVN = 6;
  private static final int SUFFIX_GIT = 7;
  private static final int SUFFIX_HG = 8;
  private static final int SUFFIX_P = 9;

  private ApkVersionScheme() {}

  @Override
  public String name() {
    return "apk";
  }

  @Override
  public int compare(String a, String b) {
    Objects.requireNonNull(a, "version a");
    Objects.requireNonNull(b, "version b");
    // Each side's current token is its kind plus its value a[aFrom, aTo); the next token starts
    // where the value ends. Kept in locals so that a comparison allocates nothing.
    int aKind = firstKind(a);
    int bKind = firstKind(b);
    int aFrom = 0;
    int bFrom = 0;
    int aTo = valueEnd(a, aFrom, aKind);
    int bTo = valueEnd(b, bFrom, bKind);
    while (aKind == bKind && (aKind < END || aKind == EMPTY_NUMBER)) {
      int result = compareValues(aKind, a, aFrom, aTo, b, bFrom, bTo);
      if (result != 0) {
        return result;
      }
      int aNext = nextKind(a, aTo, aKind);
      int bNext = nextKind(b, bTo, bKind);
      aFrom = valueStart(a, aTo, aNext);
      bFrom = valueStart(b, bTo, bNext);
      aKind = aNext;
      bKind = bNext;
      aTo = valueEnd(a, aFrom, aKind);
      bTo = valueEnd(b, bFrom, bKind);
    }
    if (aKind == bKind) {
      return 0;
    }
    if (aKind == SUFFIX && suffixWeight(a, aFrom, aTo) < NO_SUFFIX) {
      return -1;
    }
    if (bKind == SUFFIX && suffixWeight(b, bFrom, bTo) < NO_SUFFIX) {
      return 1;
    }
    return aKind > bKind ? -1 : 1;
  }

  /**
   * True when the version follows apk-tools' grammar, including the two apk-tools 2.x forms
   * described in the class comment (a letter followed by digits, {@code -r} without a number at
   * the end).
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    int kind = firstKind(version);
    int from = 0;
    while (kind < END) {
      int to = valueEnd(version, from, kind);
      kind = nextKind(version, to, kind);
      from = valueStart(version, to, kind);
    }
    return kind == END;
  }

  private static int compareValues(
      int kind, String a, int aFrom, int aTo, String b, int bFrom, int bTo) {
    switch (kind) {
      case NUMBER:
        if (a.charAt(aFrom) == '0' || b.charAt(bFrom) == '0') {
          return compareAsText(a, aFrom, aTo, b, bFrom, bTo);
        }
        return compareAsNumbers(a, aFrom, aTo, b, bFrom, bTo);
      case INITIAL_NUMBER:
      case SUFFIX_NUMBER:
      case REVISION:
        return compareAsNumbers(a, aFrom, aTo, b, bFrom, bTo);
      case LETTER:
        return Integer.signum(Character.compare(a.charAt(aFrom), b.charAt(bFrom)));
      case SUFFIX:
        return Integer.compare(suffixWeight(a, aFrom, aTo), suffixWeight(b, bFrom, bTo));
      case COMMIT_HASH:
        return compareAsText(a, aFrom, aTo, b, bFrom, bTo);
      default: // EMPTY_NUMBER: nothing to compare
        return 0;
    }
  }

  private static boolean isLowerLetter(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isLowerHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f');
  }

  private static int firstKind(String s) {
    return !s.isEmpty() && isDigit(s.charAt(0)) ? INITIAL_NUMBER : EMPTY_NUMBER;
  }

  /**
   * Kind of the token starting at {@code at}, which follows a token of kind {@code previous};
   * checks that apk's grammar allows it there.
   */
  private static int nextKind(String s, int at, int previous) {
    if (at >= s.length()) {
      return END;
    }
    if (previous == EMPTY_NUMBER) {
      previous = NUMBER; // an empty number stands where a number was expected
    }
    char c = s.charAt(at);
    if (isLowerLetter(c)) {
      return previous > NUMBER ? MALFORMED : LETTER;
    }
    if (c == '.') {
      if (previous > NUMBER) {
        return MALFORMED;
      }
      return at + 1 < s.length() && isDigit(s.charAt(at + 1)) ? NUMBER : EMPTY_NUMBER;
    }
    if (isDigit(c)) {
      if (previous == LETTER) {
        return NUMBER; // apk-tools 2.x: "2p1"
      }
      return previous == SUFFIX ? SUFFIX_NUMBER : MALFORMED;
    }
    if (c == '_') {
      if (previous > SUFFIX_NUMBER) {
        return MALFORMED;
      }
      int nameEnd = lowerLetterRunEnd(s, at + 1);
      return suffixWeight(s, at + 1, nameEnd) == SUFFIX_UNKNOWN ? MALFORMED : SUFFIX;
    }
    if (c == '~') {
      if (previous >= COMMIT_HASH) {
        return MALFORMED;
      }
      return at + 1 < s.length() && isLowerHexDigit(s.charAt(at + 1)) ? COMMIT_HASH : MALFORMED;
    }
    if (c == '-') {
      if (previous >= REVISION
          || at + 1 >= s.length()
          || s.charAt(at + 1) != 'r'
          || digitRunEnd(s, at + 2, s.length()) != s.length()) {
        return MALFORMED;
      }
      return REVISION;
    }
    return MALFORMED;
  }

  /** Where the value of a token of this kind starting at {@code at} begins (after its marker). */
  private static int valueStart(String s, int at, int kind) {
    switch (kind) {
      case NUMBER:
      case EMPTY_NUMBER:
        return at < s.length() && s.charAt(at) == '.' ? at + 1 : at;
      case SUFFIX:
      case COMMIT_HASH:
        return at + 1;
      case REVISION:
        return at + 2;
      default:
        return at;
    }
  }

  /** Where the value of a token of this kind beginning at {@code from} ends. */
  private static int valueEnd(String s, int from, int kind) {
    switch (kind) {
      case INITIAL_NUMBER:
      case NUMBER:
      case SUFFIX_NUMBER:
      case EMPTY_NUMBER:
      case REVISION:
        return digitRunEnd(s, from, s.length());
      case LETTER:
        return from + 1;
      case SUFFIX:
        return lowerLetterRunEnd(s, from);
      case COMMIT_HASH:
        int end = from;
        while (end < s.length() && isLowerHexDigit(s.charAt(end))) {
          end++;
        }
        return end;
      default: // END, MALFORMED
        return from;
    }
  }

  private static int lowerLetterRunEnd(String s, int from) {
    int end = from;
    while (end < s.length() && isLowerLetter(s.charAt(end))) {
      end++;
    }
    return end;
  }

  /** Weight of the suffix name s[from, to), or SUFFIX_UNKNOWN. */
  private static int suffixWeight(String s, int from, int to) {
    switch (to - from) {
      case 1:
        return s.charAt(from) == 'p' ? SUFFIX_P : SUFFIX_UNKNOWN;
      case 2:
        if (s.startsWith("rc", from)) {
          return SUFFIX_RC;
        }
        return s.startsWith("hg", from) ? SUFFIX_HG : SUFFIX_UNKNOWN;
      case 3:
        if (s.startsWith("pre", from)) {
          return SUFFIX_PRE;
        }
        if (s.startsWith("cvs", from)) {
          return SUFFIX_CVS;
        }
        if (s.startsWith("svn", from)) {
          return SUFFIX_SVN;
        }
        return s.startsWith("git", from) ? SUFFIX_GIT : SUFFIX_UNKNOWN;
      case 4:
        return s.startsWith("beta", from) ? SUFFIX_BETA : SUFFIX_UNKNOWN;
      case 5:
        return s.startsWith("alpha", from) ? SUFFIX_ALPHA : SUFFIX_UNKNOWN;
      default:
        return SUFFIX_UNKNOWN;
    }
  }
}
