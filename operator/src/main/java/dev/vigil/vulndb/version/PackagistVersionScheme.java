package dev.vigil.vulndb.version;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Packagist (Composer) version order: PHP's {@code version_compare} after dropping one leading
 * {@code v} or {@code V} (Composer tags are often {@code v1.8.1}; its own normaliser drops the
 * {@code v}, {@code version_compare} alone would not).
 *
 * <p>{@code version_compare} works on the UTF-8 bytes: it first canonicalises each version
 * ({@code - _ +} and any other non-alphanumeric byte become one {@code .}, and a {@code .} is
 * put between digits and non-digits: {@code 1.0rc1} → {@code 1.0.rc.1}), then compares the
 * dot-separated parts in turn: two numbers by value, two words by their special form ({@code dev}
 * &lt; {@code alpha}/{@code a} &lt; {@code beta}/{@code b} &lt; {@code RC}/{@code rc} &lt; a
 * number &lt; {@code pl}/{@code p}, matched as prefixes and case-sensitively; any other word is
 * below {@code dev} and equal to every other such word), a number against a word as the number's
 * special form. When one version has more parts, a further number makes it higher and a further
 * word is compared with a number (so {@code 1.0} &gt; {@code 1} and {@code 1.0rc1} &lt; {@code
 * 1.0}). Numbers beyond 64 bits saturate, as C's {@code strtol} does; a NUL ends the version.
 *
 * <p>This is a port of PHP's algorithm (ext/standard/versioning.c), checked against PHP 8.2 on
 * every vector and on random pairs, with two deliberate differences where PHP's answer is no
 * order at all: a version equals itself (PHP: {@code version_compare("1.#", "1.#")} is -1), and
 * when both versions end in a separator the answer does not depend on the argument order (see
 * {@link #versionCompare}). It parses both strings per comparison, at most 256 characters of
 * each ({@link BoundedVersionScheme}).
 */
public final class PackagistVersionScheme extends BoundedVersionScheme {

  public static final PackagistVersionScheme INSTANCE = new PackagistVersionScheme();

  private static final byte[] NUMBER_FORM = {'#', 'N', '#'};
  private static final byte[][] SPECIAL_FORMS = {
    bytes("dev"), bytes("alpha"), bytes("a"), bytes("beta"), bytes("b"), bytes("RC"), bytes("rc"),
    bytes("#"), bytes("pl"), bytes("p")
  };
  private static final int[] SPECIAL_ORDER = {0, 1, 1, 2, 2, 3, 3, 4, 5, 5};

  private PackagistVersionScheme() {}

  @Override
  public String name() {
    return "packagist";
  }

  /**
   * {@code version_compare} orders any string; here a version is valid when it is not empty
   * (after the {@code v}) and has no blank or control character.
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    return isPlausible(version) && !withoutV(version).isEmpty();
  }

  @Override
  int compareBounded(String a, String b) {
    return versionCompare(cString(withoutV(a)), cString(withoutV(b)));
  }

  private static String withoutV(String version) {
    return !version.isEmpty() && (version.charAt(0) == 'v' || version.charAt(0) == 'V')
        ? version.substring(1)
        : version;
  }

  /** The UTF-8 bytes up to the first NUL, as PHP's C code sees the string. */
  private static byte[] cString(String version) {
    int nul = version.indexOf('\0');
    return (nul < 0 ? version : version.substring(0, nul)).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }

  /** php_version_compare */
  private static int versionCompare(byte[] original1, byte[] original2) {
    if (original1.length == 0 || original2.length == 0) {
      return original1.length == original2.length ? 0 : (original1.length == 0 ? -1 : 1);
    }
    byte[] v1 = original1[0] == '#' ? original1 : canonicalize(original1);
    byte[] v2 = original2[0] == '#' ? original2 : canonicalize(original2);
    int p1 = 0;
    int p2 = 0;
    boolean more1 = true; // C: n1 != NULL, a '.' followed the part just compared
    boolean more2 = true;
    int compare = 0;
    while (p1 < v1.length && p2 < v2.length && more1 && more2) {
      int e1 = indexOf(v1, (byte) '.', p1);
      int e2 = indexOf(v2, (byte) '.', p2);
      more1 = e1 >= 0;
      more2 = e2 >= 0;
      e1 = more1 ? e1 : v1.length;
      e2 = more2 ? e2 : v2.length;
      boolean digit1 = isDigit(v1, p1, e1);
      boolean digit2 = isDigit(v2, p2, e2);
      if (digit1 && digit2) {
        compare = Long.compare(strtol(v1, p1, e1), strtol(v2, p2, e2));
      } else if (!digit1 && !digit2) {
        compare = compareSpecialForms(v1, p1, e1, v2, p2, e2);
      } else if (digit1) {
        compare = compareSpecialForms(NUMBER_FORM, 0, 3, v2, p2, e2);
      } else {
        compare = compareSpecialForms(v1, p1, e1, NUMBER_FORM, 0, 3);
      }
      if (compare != 0) {
        break;
      }
      if (more1) {
        p1 = e1 + 1;
      }
      if (more2) {
        p2 = e2 + 1;
      }
    }
    if (compare == 0 && more1 && more2) {
      // Both ended a part with '.', and one or both have nothing after it. PHP looks at the
      // first version's rest first, which makes "1.#" < "1.~" and "1.~" < "1.#" (both "1.") and
      // "1." < "1.beta" < "1.": here the version with parts left is compared as if the other
      // had ended without the dot, the same answer whichever comes first.
      boolean end1 = p1 >= v1.length;
      boolean end2 = p2 >= v2.length;
      if (end1 && end2) {
        return 0;
      }
      if (end1) {
        return -(isDigit(v2, p2, v2.length) ? 1 : versionCompare(tail(v2, p2), NUMBER_FORM));
      }
    }
    if (compare == 0) {
      if (more1) {
        compare = isDigit(v1, p1, v1.length) ? 1 : versionCompare(tail(v1, p1), NUMBER_FORM);
      } else if (more2) {
        compare = isDigit(v2, p2, v2.length) ? -1 : versionCompare(NUMBER_FORM, tail(v2, p2));
      }
    }
    return Integer.signum(compare);
  }

  /** php_canonicalize_version */
  private static byte[] canonicalize(byte[] version) {
    byte[] out = new byte[version.length * 2];
    int q = 0;
    byte lp = version[0];
    out[q++] = lp;
    for (int p = 1; p < version.length; p++) {
      byte c = version[p];
      byte lq = out[q - 1];
      if (c == '-' || c == '_' || c == '+') {
        if (lq != '.') {
          out[q++] = '.';
        }
      } else if ((isNonDigit(lp) && isDigit(c)) || (isDigit(lp) && isNonDigit(c))) {
        if (lq != '.') {
          out[q++] = '.';
        }
        out[q++] = c;
      } else if (!isAlphanumeric(c)) {
        if (lq != '.') {
          out[q++] = '.';
        }
      } else {
        out[q++] = c;
      }
      lp = c;
    }
    return java.util.Arrays.copyOf(out, q);
  }

  /** compare_special_version_forms: prefix match against the table, -1 when none matches. */
  private static int compareSpecialForms(byte[] a, int aFrom, int aEnd, byte[] b, int bFrom, int bEnd) {
    return Integer.compare(specialForm(a, aFrom, aEnd), specialForm(b, bFrom, bEnd));
  }

  private static int specialForm(byte[] s, int from, int end) {
    for (int k = 0; k < SPECIAL_FORMS.length; k++) {
      byte[] form = SPECIAL_FORMS[k];
      if (end - from >= form.length && java.util.Arrays.equals(s, from, from + form.length, form, 0, form.length)) {
        return SPECIAL_ORDER[k];
      }
    }
    return -1;
  }

  /** strtol of a part that starts with a digit: its leading digits, saturating at 2^63-1. */
  private static long strtol(byte[] s, int from, int end) {
    long value = 0;
    for (int i = from; i < end && isDigit(s[i]); i++) {
      int digit = s[i] - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        return Long.MAX_VALUE;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static boolean isDigit(byte[] s, int from, int end) {
    return from < end && isDigit(s[from]);
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNonDigit(byte c) {
    return !isDigit(c) && c != '.';
  }

  private static boolean isAlphanumeric(byte c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static int indexOf(byte[] s, byte c, int from) {
    for (int i = from; i < s.length; i++) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] tail(byte[] s, int from) {
    return java.util.Arrays.copyOfRange(s, Math.min(from, s.length), s.length);
  }
}
