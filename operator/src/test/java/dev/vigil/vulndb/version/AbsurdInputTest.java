package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile version strings (10 kB long, control characters, non-ASCII text, digit runs far beyond
 * 64 bits) never make a scheme throw or overflow, are never valid when they contain control
 * characters, and still get a consistent place in the order.
 */
class AbsurdInputTest {

  static Stream<VersionScheme> schemes() {
    return Stream.of(
        DpkgVersionScheme.INSTANCE,
        ApkVersionScheme.INSTANCE,
        RpmVersionScheme.INSTANCE,
        SemverVersionScheme.INSTANCE,
        MavenVersionScheme.INSTANCE,
        Pep440VersionScheme.INSTANCE,
        RubyGemsVersionScheme.INSTANCE,
        NuGetVersionScheme.INSTANCE,
        PackagistVersionScheme.INSTANCE);
  }

  /** The schemes whose numbers are unbounded; PHP's version_compare saturates at 2^63-1. */
  static Stream<VersionScheme> unboundedSchemes() {
    return schemes().filter(s -> s != PackagistVersionScheme.INSTANCE);
  }

  @org.junit.jupiter.api.Test
  void packagistNumbersSaturateAt64BitsAsPhpDoes() {
    OrderAssertions.assertSame(PackagistVersionScheme.INSTANCE, HUGE + ".0.0", HUGER + ".0.0");
    OrderAssertions.assertSame(
        PackagistVersionScheme.INSTANCE, "9223372036854775807", "9223372036854775808");
    OrderAssertions.assertAscending(
        PackagistVersionScheme.INSTANCE, "9223372036854775806", "9223372036854775807");
  }

  private static final String HUGE = "99999999999999999999999";
  private static final String HUGER = "100000000000000000000000";

  @ParameterizedTest
  @MethodSource("unboundedSchemes")
  void digitRunsBeyond64BitsCompareAsNumbers(VersionScheme scheme) {
    OrderAssertions.assertAscending(scheme, HUGE + ".0.0", HUGER + ".0.0");
    OrderAssertions.assertAscending(scheme, "1." + HUGE + ".0", "1." + HUGER + ".0");
    OrderAssertions.assertAscending(scheme, "18446744073709551615.0.0", "18446744073709551616.0.0");
  }

  @ParameterizedTest
  @MethodSource("schemes")
  void tenKilobyteVersionsCompareByTheirLastCharacter(VersionScheme scheme) {
    // SemVer needs a pre-release, or it would ignore the long tail as build metadata; apk
    // needs dots, as "-" may only start its revision.
    String common =
        scheme instanceof SemverVersionScheme ? "1.0.0-" + "2.".repeat(5000)
            : "1.0.0." + "2.".repeat(5000);
    OrderAssertions.assertAscending(scheme, common + "3", common + "4");
    OrderAssertions.assertSame(scheme, common + "3", new String(common + "3"));
  }

  @ParameterizedTest
  @MethodSource("schemes")
  void controlCharactersMakeAVersionInvalid(VersionScheme scheme) {
    // Inside the version: dpkg, like the dpkg tool, ignores surrounding blanks (tab included).
    for (char c = 0; c < 0x20; c++) {
      assertFalse(scheme.isValid("1" + c + ".0.0"), scheme.name() + " accepted char " + (int) c);
      assertFalse(scheme.isValid("1.0" + c + "0"), scheme.name() + " accepted char " + (int) c);
    }
    assertFalse(scheme.isValid("1.0\u007f0"));
  }

  @ParameterizedTest
  @MethodSource("schemes")
  void garbageIsOrderedReflexivelyAntisymmetricallyAndSortable(VersionScheme scheme) {
    List<String> garbage = garbage(new Random(4242), 400);
    List<String> failures = new ArrayList<>();
    for (String a : garbage) {
      if (scheme.compare(a, new String(a)) != 0) {
        failures.add("not equal to itself: " + printable(a));
      }
      for (String b : garbage) {
        int forward = Integer.signum(scheme.compare(a, b));
        int backward = Integer.signum(scheme.compare(b, a));
        if (forward != -backward) {
          failures.add(printable(a) + " vs " + printable(b) + ": " + forward + "/" + backward);
        }
      }
      scheme.isValid(a); // must not throw either
    }
    assertEquals(List.of(), failures, scheme.name());
    List<String> sorted = new ArrayList<>(garbage);
    sorted.sort(scheme); // TimSort throws when it notices an inconsistent order
    for (int k = 0; k + 1 < sorted.size(); k++) {
      assertFalse(scheme.compare(sorted.get(k), sorted.get(k + 1)) > 0, scheme.name());
    }
  }

  private static final String[] WORDS = {
    "dev", "a", "alpha", "b", "beta", "c", "rc", "RC", "pre", "preview", "post", "rev", "r", "pl",
    "p", "#", "#N#", "ga", "final", "release", "sp", "snapshot", "milestone", "m", "cr", "v", "V",
    "!", "+local", ".", "..", "-", "--", "_", "0", "00", "1", "v1.0", "1!2"
  };

  /**
   * Strings of control, ASCII, Latin, Greek, CJK and surrogate characters and of the words the
   * schemes know, some very long.
   */
  private static List<String> garbage(Random random, int count) {
    String pool = "0123456789.-+~:^_abrpAZ\u0000\t\n \u007f\u00e9\u03b1\u4e2d\ud83d\ude00";
    List<String> strings = new ArrayList<>(List.of("", "0", "-", ":", "~", "^", "_", "-r"));
    while (strings.size() < count) {
      int length = random.nextInt(10) == 0 ? 10_000 : random.nextInt(16);
      StringBuilder s = new StringBuilder(length);
      for (int k = 0; k < length; k++) {
        int pick = random.nextInt(16);
        if (pick < 2) {
          s.append(HUGE);
        } else if (pick < 4) {
          // The words the language schemes give a meaning to.
          s.append(WORDS[random.nextInt(WORDS.length)]);
        } else {
          s.append(pool.charAt(random.nextInt(pool.length())));
        }
      }
      strings.add(s.toString());
    }
    return strings;
  }

  private static String printable(String s) {
    String shown = s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " chars)" : s;
    StringBuilder out = new StringBuilder();
    for (char c : shown.toCharArray()) {
      out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }
}
