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
    Tokenizer ta = new Tokenizer(a);
    Tokenizer tb = new Tokenizer(b);
    while (ta.kind == tb.kind && (ta.kind < END || ta.kind == EMPTY_NUMBER)) {
      int result = compareSameKind(ta, tb);
      if (result != 0) {
        return result;
      }
      ta.advance();
      tb.advance();
    }
    if (ta.kind == tb.kind) {
      return 0;
    }
    if (ta.kind == SUFFIX && ta.suffix < NO_SUFFIX) {
      return -1;
    }
    if (tb.kind == SUFFIX && tb.suffix < NO_SUFFIX) {
      return 1;
    }
    return ta.kind > tb.kind ? -1 : 1;
  }

  /**
   * True when the version follows apk-tools' grammar, including the two apk-tools 2.x forms
   * described in the class comment (a letter followed by digits, {@code -r} without a number at
   * the end).
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    Tokenizer t = new Tokenizer(version);
    while (t.kind < END) {
      t.advance();
    }
    return t.kind == END;
  }

  private static int compareSameKind(Tokenizer ta, Tokenizer tb) {
    switch (ta.kind) {
      case NUMBER:
        if (ta.s.charAt(ta.from) == '0' || tb.s.charAt(tb.from) == '0') {
          return compareAsText(ta.s, ta.from, ta.to, tb.s, tb.from, tb.to);
        }
        return compareAsNumbers(ta.s, ta.from, ta.to, tb.s, tb.from, tb.to);
      case INITIAL_NUMBER:
      case SUFFIX_NUMBER:
      case REVISION:
        return compareAsNumbers(ta.s, ta.from, ta.to, tb.s, tb.from, tb.to);
      case LETTER:
        return Integer.signum(Character.compare(ta.s.charAt(ta.from), tb.s.charAt(tb.from)));
      case SUFFIX:
        return Integer.compare(ta.suffix, tb.suffix);
      case COMMIT_HASH:
        return compareAsText(ta.s, ta.from, ta.to, tb.s, tb.from, tb.to);
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

  /**
   * Reads one version token by token. {@link #kind} is the current token, whose text is
   * s[from, to); {@link #pos} is where the next token starts.
   */
  private static final class Tokenizer {
    final String s;
    int pos;
    int kind;
    int from;
    int to;
    int suffix;

    Tokenizer(String s) {
      this.s = s;
      readNumber(0, INITIAL_NUMBER);
    }

    private void readNumber(int start, int numberKind) {
      from = start;
      to = digitRunEnd(s, start, s.length());
      pos = to;
      kind = to > from ? numberKind : EMPTY_NUMBER;
    }

    private void malformed() {
      kind = MALFORMED;
    }

    void advance() {
      if (pos >= s.length()) {
        kind = END;
        return;
      }
      // An empty number stands where a number was expected, so the same tokens may follow it.
      int previous = kind == EMPTY_NUMBER ? NUMBER : kind;
      char c = s.charAt(pos);
      if (isLowerLetter(c)) {
        if (previous > NUMBER) {
          malformed();
          return;
        }
        kind = LETTER;
        from = pos;
        to = ++pos;
      } else if (c == '.') {
        if (previous > NUMBER) {
          malformed();
          return;
        }
        readNumber(pos + 1, NUMBER);
      } else if (isDigit(c)) {
        if (previous == LETTER) {
          readNumber(pos, NUMBER); // apk-tools 2.x: "2p1"
        } else if (previous == SUFFIX) {
          readNumber(pos, SUFFIX_NUMBER);
        } else {
          malformed();
        }
      } else if (c == '_') {
        if (previous > SUFFIX_NUMBER) {
          malformed();
          return;
        }
        int nameEnd = pos + 1;
        while (nameEnd < s.length() && isLowerLetter(s.charAt(nameEnd))) {
          nameEnd++;
        }
        int weight = suffixWeight(s, pos + 1, nameEnd);
        if (weight == SUFFIX_UNKNOWN) {
          malformed();
          return;
        }
        kind = SUFFIX;
        suffix = weight;
        from = pos + 1;
        to = nameEnd;
        pos = nameEnd;
      } else if (c == '~') {
        if (previous >= COMMIT_HASH) {
          malformed();
          return;
        }
        int hashEnd = pos + 1;
        while (hashEnd < s.length() && isLowerHexDigit(s.charAt(hashEnd))) {
          hashEnd++;
        }
        if (hashEnd == pos + 1) {
          malformed();
          return;
        }
        kind = COMMIT_HASH;
        from = pos + 1;
        to = hashEnd;
        pos = hashEnd;
      } else if (c == '-') {
        if (previous >= REVISION
            || pos + 1 >= s.length()
            || s.charAt(pos + 1) != 'r'
            || digitRunEnd(s, pos + 2, s.length()) != s.length()) {
          malformed();
          return;
        }
        kind = REVISION;
        from = pos + 2;
        to = s.length();
        pos = to;
      } else {
        malformed();
      }
    }
  }
}
