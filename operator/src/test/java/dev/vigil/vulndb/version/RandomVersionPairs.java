package dev.vigil.vulndb.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random pairs of version strings for differential tests against the real tools: a third
 * of the pairs are two independent version-like strings, a third a version and a small mutation
 * of it (so that long common prefixes are exercised), a third raw strings over the whole
 * alphabet.
 */
final class RandomVersionPairs {

  /** Printable characters that matter to some scheme; no blanks, so pairs fit on one line. */
  static final String ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+-~:^_";

  // Weighted so that digits, dots and the special separators appear often.
  private static final String VERSION_BODY = "0123456789012345.......abcrz~~++--^^__::";

  private final Random random;

  RandomVersionPairs(long seed) {
    this.random = new Random(seed);
  }

  List<String[]> pairs(int count) {
    List<String[]> pairs = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      String a;
      String b;
      switch (k % 3) {
        case 0 -> {
          a = versionLike();
          b = versionLike();
        }
        case 1 -> {
          a = versionLike();
          b = mutate(a);
        }
        default -> {
          a = raw();
          b = random.nextBoolean() ? raw() : mutate(a);
        }
      }
      pairs.add(new String[] {a, b});
    }
    return pairs;
  }

  private String versionLike() {
    StringBuilder s = new StringBuilder();
    if (random.nextInt(4) == 0) {
      s.append(digits(1 + random.nextInt(2))).append(':');
    }
    s.append(digits(1 + random.nextInt(3)));
    int middle = random.nextInt(8);
    for (int k = 0; k < middle; k++) {
      s.append(VERSION_BODY.charAt(random.nextInt(VERSION_BODY.length())));
    }
    if (random.nextInt(3) == 0) {
      s.append('-').append(digits(1 + random.nextInt(2)));
      if (random.nextBoolean()) {
        s.append(random.nextBoolean() ? "ubuntu" : ".el").append(digits(1));
      }
    }
    return s.toString();
  }

  private String raw() {
    int length = 1 + random.nextInt(12);
    StringBuilder s = new StringBuilder(length);
    for (int k = 0; k < length; k++) {
      s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  private String mutate(String a) {
    StringBuilder s = new StringBuilder(a);
    int at = random.nextInt(s.length() + 1);
    char c = VERSION_BODY.charAt(random.nextInt(VERSION_BODY.length()));
    switch (random.nextInt(4)) {
      case 0 -> s.insert(at, c);
      case 1 -> {
        if (at < s.length() && s.length() > 1) {
          s.deleteCharAt(at);
        } else {
          s.append(c);
        }
      }
      case 2 -> {
        if (at < s.length()) {
          s.setCharAt(at, c);
        } else {
          s.append(c);
        }
      }
      default -> s.append(random.nextBoolean() ? "~rc1" : random.nextBoolean() ? ".1" : "^git1");
    }
    return s.toString();
  }

  private String digits(int count) {
    StringBuilder s = new StringBuilder(count);
    for (int k = 0; k < count; k++) {
      s.append((char) ('0' + random.nextInt(10)));
    }
    return s.toString();
  }
}
