package dev.vigil.vulndb.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * RubyGems' version order ({@code Gem::Version#<=>}).
 *
 * <p>The version is stripped of surrounding blanks, every {@code -} becomes {@code .pre.}, and
 * the segments are the runs of digits (numbers) and of ASCII letters (words), everything else
 * separating them. The canonical segments drop trailing zeros from the leading numbers and from
 * the rest after the first word ({@code 1.0.0} = {@code 1}, {@code 1.0.a.0} = {@code 1.a}).
 * Segments compare one by one, a missing one counting as 0: numbers by value (of any length),
 * words by their bytes, and a word is lower than a number, so {@code 1.a} &lt; {@code 1} &lt;
 * {@code 1.0.1}.
 *
 * <p>This scheme parses both strings per comparison, at most 256 characters of each ({@link
 * BoundedVersionScheme}).
 */
public final class RubyGemsVersionScheme extends BoundedVersionScheme {

  public static final RubyGemsVersionScheme INSTANCE = new RubyGemsVersionScheme();

  // Gem::Version::VERSION_PATTERN
  private static final Pattern VALID =
      Pattern.compile("[0-9]+(?>\\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");

  private RubyGemsVersionScheme() {}

  @Override
  public String name() {
    return "rubygems";
  }

  /** True when {@code Gem::Version.new} accepts the version (blank strings excepted). */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    return isPlausible(version) && VALID.matcher(version).matches();
  }

  @Override
  int compareBounded(String a, String b) {
    List<String> x = canonicalSegments(a);
    List<String> y = canonicalSegments(b);
    int n = Math.max(x.size(), y.size());
    for (int k = 0; k < n; k++) {
      String mine = k < x.size() ? x.get(k) : "0";
      String theirs = k < y.size() ? y.get(k) : "0";
      boolean mineNumber = Substrings.isDigit(mine.charAt(0));
      boolean theirsNumber = Substrings.isDigit(theirs.charAt(0));
      int result;
      if (mineNumber && theirsNumber) {
        result = Substrings.compareAsNumbers(mine, 0, mine.length(), theirs, 0, theirs.length());
      } else if (mineNumber != theirsNumber) {
        return mineNumber ? 1 : -1;
      } else {
        result = mine.compareTo(theirs); // ASCII letters only: byte order
      }
      if (result != 0) {
        return Integer.signum(result);
      }
    }
    return 0;
  }

  /** Segments as strings: digit runs (numbers) or ASCII letter runs (words). */
  private static List<String> canonicalSegments(String version) {
    String v = version.strip().replace("-", ".pre.");
    List<String> segments = new ArrayList<>();
    int firstWord = -1;
    int i = 0;
    while (i < v.length()) {
      char c = v.charAt(i);
      int end = i;
      if (Substrings.isDigit(c)) {
        end = Substrings.digitRunEnd(v, i, v.length());
      } else if (Substrings.isAsciiLetter(c)) {
        while (end < v.length() && Substrings.isAsciiLetter(v.charAt(end))) {
          end++;
        }
        if (firstWord < 0) {
          firstWord = segments.size();
        }
      } else {
        i++;
        continue;
      }
      segments.add(v.substring(i, end));
      i = end;
    }
    int numbersEnd = firstWord < 0 ? segments.size() : firstWord;
    List<String> canonical = new ArrayList<>(segments.size());
    canonical.addAll(withoutTrailingZeros(segments.subList(0, numbersEnd)));
    canonical.addAll(withoutTrailingZeros(segments.subList(numbersEnd, segments.size())));
    return canonical;
  }

  private static List<String> withoutTrailingZeros(List<String> segments) {
    int end = segments.size();
    while (end > 0 && isZero(segments.get(end - 1))) {
      end--;
    }
    return segments.subList(0, end);
  }

  private static boolean isZero(String segment) {
    for (int i = 0; i < segment.length(); i++) {
      if (segment.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
