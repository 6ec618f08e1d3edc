package dev.vigil.vulndb.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PyPI version order: PEP 440 as python's {@code packaging.version} implements it, and, for
 * strings that are not PEP 440, the "legacy" order of {@code packaging} before version 22 (its
 * {@code LegacyVersion}, kept alive as {@code packaging-legacy}, which osv.dev uses to order PyPI
 * versions).
 *
 * <p>PEP 440: {@code [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]}, case-insensitive, with the
 * spec's alternative spellings (alpha, beta, c, pre, preview, rev, r, implicit numbers, {@code
 * -N} for a post-release, separators {@code . _ -}). The key is packaging's: epoch; release with
 * trailing zeros ignored; pre-release (a &lt; b &lt; rc, a dev-only release sorts before every
 * pre-release, no pre-release after all of them); post-release (none first); dev release (none
 * last); local segments (none first, numeric segments above alphanumeric ones, more segments
 * higher). Numbers compare exactly, of any length.
 *
 * <p>Legacy strings sort below every PEP 440 version (epoch -1) and among themselves by
 * setuptools' old part list: the lower-cased string is split into digit runs (padded to eight
 * digits), letter runs (pre, preview and rc read as c, dev as @), dots (dropped), dashes
 * (final-) and whatever lies between, with "*final" appended, trailing zero runs and dashes
 * before pre-release words dropped; the part lists compare element by element as text.
 *
 * <p>This scheme parses both strings per comparison, at most 256 characters of each ({@link
 * BoundedVersionScheme}).
 */
public final class Pep440VersionScheme extends BoundedVersionScheme {

  public static final Pep440VersionScheme INSTANCE = new Pep440VersionScheme();

  // packaging's VERSION_PATTERN (PEP 440 appendix B), anchored with surrounding blanks allowed.
  private static final Pattern PEP_440 =
      Pattern.compile(
          "^\\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)"
              + "(?<pre>[-_.]?(?<prel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pren>[0-9]+)?)?"
              + "(?<post>(?:-(?<postn1>[0-9]+))|(?:[-_.]?(?<postl>post|rev|r)[-_.]?"
              + "(?<postn2>[0-9]+)?))?"
              + "(?<dev>[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?)"
              + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern LOCAL_SEPARATOR = Pattern.compile("[-_.]");

  private Pep440VersionScheme() {}

  @Override
  public String name() {
    return "pep440";
  }

  @Override
  int compareBounded(String a, String b) {
    Parsed x = parse(a);
    Parsed y = parse(b);
    if (x.legacy != null || y.legacy != null) {
      if (x.legacy == null || y.legacy == null) {
        return x.legacy == null ? 1 : -1;
      }
      return compareTextLists(x.legacy, y.legacy);
    }
    return x.compareTo(y);
  }

  /**
   * True for a PEP 440 version, and for a legacy string (non-empty, at most 256 characters, no
   * blank or control character): osv.dev orders both, so advisories may name both.
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    return isPlausible(version);
  }

  /** True when the version is PEP 440 (what {@code packaging.version.Version} accepts). */
  public boolean isPep440(String version) {
    Objects.requireNonNull(version, "version");
    return version.length() <= MAX_PARSED
        && mayBePep440(version)
        && PEP_440.matcher(version).matches();
  }

  private static Parsed parse(String version) {
    Matcher m = PEP_440.matcher(version);
    if (!mayBePep440(version) || !m.matches()) {
      return new Parsed(legacyParts(version));
    }
    Parsed p = new Parsed(null);
    p.epoch = m.group("epoch") == null ? "0" : m.group("epoch");
    p.release = m.group("release").split("\\.");
    p.releaseLength = p.release.length;
    while (p.releaseLength > 0 && isZero(p.release[p.releaseLength - 1])) {
      p.releaseLength--;
    }
    if (m.group("prel") != null) {
      p.prePhase = phase(m.group("prel").toLowerCase(Locale.ROOT));
      p.preNumber = orZero(m.group("pren"));
    }
    String postNumber = m.group("postn1") != null ? m.group("postn1") : m.group("postn2");
    if (m.group("postl") != null || postNumber != null) {
      p.postNumber = orZero(postNumber);
    }
    if (m.group("devl") != null) {
      p.devNumber = orZero(m.group("devn"));
    }
    if (m.group("local") != null) {
      p.local = LOCAL_SEPARATOR.split(m.group("local").toLowerCase(Locale.ROOT), -1);
    }
    return p;
  }

  /** A quick test that spares the regular expression most legacy strings. */
  private static boolean mayBePep440(String version) {
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      if (!(Substrings.isDigit(c) || Substrings.isAsciiLetter(c) || c == '.' || c == '!' || c == '+'
          || c == '_' || c == '-' || Character.isWhitespace(c))) {
        return false;
      }
    }
    return true;
  }

  private static int phase(String letter) {
    return switch (letter) {
      case "a", "alpha" -> 0;
      case "b", "beta" -> 1;
      default -> 2; // c, rc, pre, preview
    };
  }

  private static String orZero(String number) {
    return number == null ? "0" : number;
  }

  private static boolean isZero(String digits) {
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static int compareNumbers(String a, String b) {
    return Integer.signum(Substrings.compareAsNumbers(a, 0, a.length(), b, 0, b.length()));
  }

  /** One parsed version; exactly one of legacy (not PEP 440) or the PEP 440 fields is set. */
  private static final class Parsed {
    final List<String> legacy;
    String epoch;
    String[] release;
    int releaseLength;
    int prePhase = -1;
    String preNumber;
    String postNumber;
    String devNumber;
    String[] local;

    Parsed(List<String> legacy) {
      this.legacy = legacy;
    }

    int compareTo(Parsed o) {
      int result = compareNumbers(epoch, o.epoch);
      if (result != 0) {
        return result;
      }
      result = compareRelease(o);
      if (result != 0) {
        return result;
      }
      result = Integer.compare(preRank(), o.preRank());
      if (result == 0 && preRank() == 1) {
        result = Integer.compare(prePhase, o.prePhase);
        if (result == 0) {
          result = compareNumbers(preNumber, o.preNumber);
        }
      }
      if (result != 0) {
        return result;
      }
      // No post-release sorts first; no dev release sorts last.
      result = compareOptional(postNumber, o.postNumber, -1);
      if (result != 0) {
        return result;
      }
      result = compareOptional(devNumber, o.devNumber, 1);
      if (result != 0) {
        return result;
      }
      return compareLocal(o);
    }

    private int compareRelease(Parsed o) {
      int n = Math.max(releaseLength, o.releaseLength);
      for (int k = 0; k < n; k++) {
        String mine = k < releaseLength ? release[k] : "0";
        String theirs = k < o.releaseLength ? o.release[k] : "0";
        int result = compareNumbers(mine, theirs);
        if (result != 0) {
          return result;
        }
      }
      return 0;
    }

    /** 0: dev release without pre or post (below all pre-releases); 1: pre-release; 2: none. */
    private int preRank() {
      if (prePhase < 0 && postNumber == null && devNumber != null) {
        return 0;
      }
      return prePhase >= 0 ? 1 : 2;
    }

    /** Compares optional numbers; an absent one sorts {@code absent} (-1 first, 1 last). */
    private static int compareOptional(String mine, String theirs, int absent) {
      if (mine == null || theirs == null) {
        return mine == theirs ? 0 : (mine == null ? absent : -absent);
      }
      return compareNumbers(mine, theirs);
    }

    private int compareLocal(Parsed o) {
      if (local == null || o.local == null) {
        return local == o.local ? 0 : (local == null ? -1 : 1);
      }
      int common = Math.min(local.length, o.local.length);
      for (int k = 0; k < common; k++) {
        boolean mineNumeric = isDigits(local[k]);
        boolean theirsNumeric = isDigits(o.local[k]);
        int result;
        if (mineNumeric && theirsNumeric) {
          result = compareNumbers(local[k], o.local[k]);
        } else if (mineNumeric || theirsNumeric) {
          result = mineNumeric ? 1 : -1;
        } else {
          result = Integer.signum(local[k].compareTo(o.local[k]));
        }
        if (result != 0) {
          return result;
        }
      }
      return Integer.compare(local.length, o.local.length);
    }
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && Substrings.digitRunEnd(s, 0, s.length()) == s.length();
  }

  /**
   * packaging's {@code _legacy_cmpkey} part list: {@code re.split} of the lower-cased string by
   * {@code (\\d+|[a-z]+|\\.|-)} (python's \\d is any Unicode decimal digit), keeping the
   * components and the text between them.
   */
  private static List<String> legacyParts(String version) {
    String s = version.toLowerCase(Locale.ROOT);
    List<String> parts = new ArrayList<>();
    int between = 0;
    int i = 0;
    while (i < s.length()) {
      int c = s.codePointAt(i);
      int end;
      if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
        end = i;
        while (end < s.length() && Character.getType(s.codePointAt(end)) == Character.DECIMAL_DIGIT_NUMBER) {
          end += Character.charCount(s.codePointAt(end));
        }
      } else if (c >= 'a' && c <= 'z') {
        end = i;
        while (end < s.length() && s.charAt(end) >= 'a' && s.charAt(end) <= 'z') {
          end++;
        }
      } else if (c == '.' || c == '-') {
        end = i + 1;
      } else {
        i += Character.charCount(c);
        continue;
      }
      addLegacyComponent(parts, s.substring(between, i));
      addLegacyComponent(parts, s.substring(i, end));
      between = end;
      i = end;
    }
    addLegacyComponent(parts, s.substring(between));
    pushLegacyPart(parts, "*final"); // alpha, beta and candidate sort before final
    return parts;
  }

  private static void addLegacyComponent(List<String> parts, String component) {
    String part =
        switch (component) {
          case "pre", "preview", "rc" -> "c";
          case "-" -> "final-";
          case "dev" -> "@";
          default -> component;
        };
    if (part.isEmpty() || part.equals(".")) {
      return;
    }
    char first = part.charAt(0);
    pushLegacyPart(parts, first >= '0' && first <= '9' ? zeroFill(part) : "*" + part);
  }

  private static void pushLegacyPart(List<String> parts, String part) {
    if (part.startsWith("*")) {
      if (compareCodePoints(part, "*final") < 0) { // a pre-release word: drop dashes before it
        while (!parts.isEmpty() && parts.get(parts.size() - 1).equals("*final-")) {
          parts.remove(parts.size() - 1);
        }
      }
      while (!parts.isEmpty() && parts.get(parts.size() - 1).equals("00000000")) {
        parts.remove(parts.size() - 1);
      }
    }
    parts.add(part);
  }

  private static String zeroFill(String digits) {
    return digits.length() >= 8 ? digits : "0".repeat(8 - digits.length()) + digits;
  }

  /** Python tuple-of-str order: element by element in code point order, a prefix first. */
  private static int compareTextLists(List<String> a, List<String> b) {
    int common = Math.min(a.size(), b.size());
    for (int k = 0; k < common; k++) {
      int result = compareCodePoints(a.get(k), b.get(k));
      if (result != 0) {
        return result;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return ca < cb ? -1 : 1;
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return i < a.length() ? 1 : (j < b.length() ? -1 : 0);
  }
}
