package dev.vigil.vulndb.version;

import java.util.Objects;

/**
 * Base of the language schemes, which parse both versions per comparison: they look at no more
 * than the first {@value #MAX_PARSED} characters of a version, so a hostile 10 kB "version" costs
 * no more than a real one and cannot exhaust the stack of a recursive parser (Maven's
 * ComparableVersion nests a list per separator, java.util.regex recurses per repeated group).
 *
 * <p>Versions are ordered by their first {@value #MAX_PARSED} characters under the scheme; among
 * versions equal there, a version of at most that length comes first and longer ones follow in
 * text order. As a key: (scheme order of the prefix, "" or the whole text), so the result is a
 * total order whenever the scheme's order of short versions is. No registry publishes versions
 * that long; the loader already drops advisories naming versions over 200 characters.
 */
abstract class BoundedVersionScheme implements VersionScheme {

  static final int MAX_PARSED = 256;

  @Override
  public final int compare(String a, String b) {
    Objects.requireNonNull(a, "version a");
    Objects.requireNonNull(b, "version b");
    if (a.equals(b)) {
      return 0;
    }
    boolean aLong = a.length() > MAX_PARSED;
    boolean bLong = b.length() > MAX_PARSED;
    int result =
        Integer.signum(
            compareBounded(aLong ? a.substring(0, MAX_PARSED) : a, bLong ? b.substring(0, MAX_PARSED) : b));
    if (result != 0 || (!aLong && !bLong)) {
      return result;
    }
    return Integer.signum((aLong ? a : "").compareTo(bLong ? b : ""));
  }

  /** The scheme's order of two different versions of at most {@value #MAX_PARSED} characters. */
  abstract int compareBounded(String a, String b);

  /** Non-empty, at most {@value #MAX_PARSED} characters, no blank or control character. */
  static boolean isPlausible(String version) {
    return version.length() <= MAX_PARSED && Substrings.isPrintableWithoutBlanks(version);
  }
}
