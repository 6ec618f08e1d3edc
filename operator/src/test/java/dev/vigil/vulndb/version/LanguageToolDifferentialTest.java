package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares the language schemes with the ecosystems' own implementations, where this machine has
 * them, on seeded random pairs built from the words each ecosystem gives a meaning to plus every
 * pair of the vector files: python's {@code packaging.version} for PyPI (PEP 440; packaging 22 and
 * later no longer parse legacy strings, so for those only the refusal is compared), PHP's {@code
 * version_compare} for Packagist, and npm's own {@code semver} package for SemVer. Each tool runs
 * once, reading all pairs from standard input. Skipped only when the tool is missing: .ci/run
 * installs python3-packaging and php-cli, and its {@code npm ci} of the sigstore-js interop
 * project brings {@code semver}. Maven needs no such test: its scheme is ComparableVersion itself.
 */
class LanguageToolDifferentialTest {

  private static final int PAIRS = 3000;

  private static final String PYTHON_SCRIPT =
      """
      import sys
      from packaging.version import Version, InvalidVersion
      def parse(s):
          try:
              return Version(s)
          except InvalidVersion:
              return None
      for line in sys.stdin:
          a, b = line.rstrip("\\n").split(" ")
          x, y = parse(a), parse(b)
          valid = ("1" if x is not None else "0") + ("1" if y is not None else "0")
          if x is None or y is None:
              print("! " + valid)
          else:
              print(("<" if x < y else ">" if x > y else "=") + " " + valid)
      """;

  // The scheme drops one leading v/V before version_compare; so does this script.
  private static final String PHP_SCRIPT =
      """
      while (($line = fgets(STDIN)) !== false) {
        [$a, $b] = explode(" ", rtrim($line, "\\n"));
        $a = preg_replace('/^[vV]/', '', $a);
        $b = preg_replace('/^[vV]/', '', $b);
        echo version_compare($a, $b), " ", version_compare($b, $a), "\\n";
      }
      """;

  private static final String NODE_SCRIPT =
      """
      const semver = require(process.argv[1]);
      const lines = require('fs').readFileSync(0, 'utf8').split('\\n').filter(l => l.length > 0);
      for (const line of lines) {
        const [a, b] = line.split(' ');
        const va = semver.valid(a) !== null, vb = semver.valid(b) !== null;
        const valid = (va ? '1' : '0') + (vb ? '1' : '0');
        console.log((va && vb ? ['<', '=', '>'][semver.compare(a, b) + 1] : '!') + ' ' + valid);
      }
      """;

  @TempDir Path tempDir;

  @Test
  void pep440SchemeOrdersPairsAsPythonPackaging() throws Exception {
    String python = pythonWithPackaging();
    Assumptions.assumeTrue(
        python != null, "python3 with 'packaging' is not installed; .ci/run installs it");
    List<String[]> pairs =
        pairs("appdeps/pypi-versions", PYPI_WORDS, 20260101L, r -> randomVersion(r, PYPI_WORDS));
    List<String> answers = ReferenceTools.answers(List.of(python, "-c", PYTHON_SCRIPT), pairs, tempDir);

    Pep440VersionScheme pep440 = Pep440VersionScheme.INSTANCE;
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (int k = 0; k < pairs.size(); k++) {
      String a = pairs.get(k)[0];
      String b = pairs.get(k)[1];
      String[] answer = answers.get(k).split(" ");
      if (pep440.isPep440(a) != (answer[1].charAt(0) == '1')
          || pep440.isPep440(b) != (answer[1].charAt(1) == '1')) {
        mismatches.add(
            a + " " + b + ": PEP 440 here " + pep440.isPep440(a) + "/" + pep440.isPep440(b)
                + ", packaging accepts " + answer[1]);
      }
      if (answer[0].equals("!")) {
        continue;
      }
      compared++;
      String ours = ReferenceTools.relation(pep440.compare(a, b));
      if (!ours.equals(answer[0])) {
        mismatches.add(a + " " + answer[0] + " " + b + " per packaging, but " + ours + " here");
      }
    }
    System.out.printf("PEP 440 differential: %d pairs, %d both PEP 440%n", pairs.size(), compared);
    assertEquals(List.of(), mismatches, mismatches.size() + " disagreements with packaging");
    assertTrue(compared > pairs.size() / 3, "packaging accepted only " + compared + " pairs");
  }

  @Test
  void packagistSchemeOrdersPairsAsPhpVersionCompare() throws Exception {
    Assumptions.assumeTrue(
        ReferenceTools.runs(List.of("php", "-r", "exit(0);")), "php is not installed; .ci/run installs php-cli");
    List<String[]> pairs =
        pairs(
            "appdeps/packagist-versions",
            PACKAGIST_WORDS,
            20260202L,
            r -> randomVersion(r, PACKAGIST_WORDS));
    List<String> answers = ReferenceTools.answers(List.of("php", "-r", PHP_SCRIPT), pairs, tempDir);

    PackagistVersionScheme packagist = PackagistVersionScheme.INSTANCE;
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    int phpInconsistent = 0;
    for (int k = 0; k < pairs.size(); k++) {
      String a = pairs.get(k)[0];
      String b = pairs.get(k)[1];
      String[] answer = answers.get(k).split(" ");
      int forward = Integer.parseInt(answer[0]);
      int backward = Integer.parseInt(answer[1]);
      if (forward != -backward) {
        // PHP gives no order here (both versions end in a separator, or a == b does);
        // the scheme's own answer must still be consistent.
        phpInconsistent++;
        assertEquals(-Integer.signum(packagist.compare(b, a)), Integer.signum(packagist.compare(a, b)));
        continue;
      }
      compared++;
      String ours = ReferenceTools.relation(packagist.compare(a, b));
      if (!ours.equals(ReferenceTools.relation(forward))) {
        mismatches.add(a + " " + ReferenceTools.relation(forward) + " " + b + " per PHP, but " + ours + " here");
      }
    }
    System.out.printf(
        "Packagist differential: %d pairs, %d compared, %d without a PHP order%n",
        pairs.size(), compared, phpInconsistent);
    assertEquals(List.of(), mismatches, mismatches.size() + " disagreements with PHP");
    assertTrue(compared > pairs.size() * 9 / 10, "PHP ordered only " + compared + " pairs");
  }

  @Test
  void semverSchemeOrdersPairsAsNpmSemver() throws Exception {
    Path semver = Path.of("src/test/interop/sigstore-js/node_modules/semver").toAbsolutePath();
    Assumptions.assumeTrue(
        Files.isRegularFile(semver.resolve("package.json")) && ReferenceTools.runs(List.of("node", "--version")),
        "node or npm's semver is missing; .ci/run's npm ci of src/test/interop/sigstore-js brings it");
    List<String[]> pairs =
        pairs("appdeps/semver-versions", SEMVER_WORDS, 20260303L, LanguageToolDifferentialTest::randomSemver);
    List<String> answers =
        ReferenceTools.answers(List.of("node", "-e", NODE_SCRIPT, semver.toString()), pairs, tempDir);

    SemverVersionScheme scheme = SemverVersionScheme.INSTANCE;
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (int k = 0; k < pairs.size(); k++) {
      String a = pairs.get(k)[0];
      String b = pairs.get(k)[1];
      String[] answer = answers.get(k).split(" ");
      // npm refuses what SemVer allows in two places: an upper-case V prefix, and numbers above
      // 2^53 - 1 (JavaScript's safe integers). Otherwise validity must agree.
      for (int side = 0; side < 2; side++) {
        String v = side == 0 ? a : b;
        boolean npmValid = answer[1].charAt(side) == '1';
        if (scheme.isValid(v) != npmValid && !v.startsWith("V") && !hasHugeNumber(v)) {
          mismatches.add(v + ": valid here " + scheme.isValid(v) + ", per npm " + npmValid);
        }
      }
      if (answer[0].equals("!")) {
        continue;
      }
      compared++;
      String ours = ReferenceTools.relation(scheme.compare(a, b));
      if (!ours.equals(answer[0])) {
        mismatches.add(a + " " + answer[0] + " " + b + " per npm semver, but " + ours + " here");
      }
    }
    System.out.printf("SemVer differential: %d pairs, %d both valid for npm%n", pairs.size(), compared);
    assertEquals(List.of(), mismatches, mismatches.size() + " disagreements with npm semver");
    assertTrue(compared > pairs.size() / 4, "npm semver accepted only " + compared + " pairs");
  }

  // Words and separators each ecosystem gives a meaning to, mixed with digits by pairs().
  private static final String[] PYPI_WORDS = {
    ".", ".", ".", "-", "_", "!", "+", "a", "b", "c", "rc", "alpha", "beta", "pre", "preview",
    "post", "rev", "r", "dev", "v", "V", "RC", "Post", "DEV", "local", "ubuntu", "x", "final"
  };
  private static final String[] PACKAGIST_WORDS = {
    ".", ".", ".", "-", "_", "+", "#", "dev", "alpha", "a", "beta", "b", "RC", "rc", "pl", "p",
    "patch", "stable", "foo", "v", "V", "~", ".."
  };
  private static final String[] SEMVER_WORDS = {
    "alpha", "beta", "rc", "RC", "x", "a1", "0a", "-", "--", "alpha-1", "Beta", "z"
  };

  /** Every pair of the ecosystem's vector files, then seeded random pairs built from its words. */
  private static List<String[]> pairs(
      String vectorFilePrefix, String[] words, long seed, Function<Random, String> generator)
      throws IOException {
    Set<String> versions = new LinkedHashSet<>();
    List<String[]> pairs = new ArrayList<>();
    for (String suffix : List.of(".txt", "-generated.txt")) {
      try (InputStream in =
          LanguageToolDifferentialTest.class.getResourceAsStream(
              "/versions/" + vectorFilePrefix + suffix)) {
        if (in == null) {
          continue;
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
          String[] parts = line.strip().split(" ");
          if (parts.length == 3 && !line.startsWith("#") && !line.startsWith("//")) {
            pairs.add(new String[] {parts[0], parts[2]});
            versions.add(parts[0]);
            versions.add(parts[2]);
          }
        }
      }
    }
    Random random = new Random(seed);
    List<String> real = new ArrayList<>(versions);
    for (int k = 0; k < PAIRS; k++) {
      String a = generator.apply(random);
      String b =
          switch (k % 3) {
            case 0 -> generator.apply(random);
            case 1 -> mutate(random, a, words);
            default -> mutate(random, real.get(random.nextInt(real.size())), words);
          };
      pairs.add(new String[] {a, b});
    }
    return pairs;
  }

  private static String randomVersion(Random random, String[] words) {
    StringBuilder s = new StringBuilder();
    int parts = 1 + random.nextInt(7);
    for (int k = 0; k < parts; k++) {
      if (random.nextInt(5) < 3) {
        s.append(random.nextInt(10) == 0 ? "0" + random.nextInt(10) : String.valueOf(random.nextInt(25)));
      } else {
        s.append(words[random.nextInt(words.length)]);
      }
    }
    return s.toString();
  }

  /** major.minor.patch, often with pre-release and build identifiers, sometimes malformed. */
  private static String randomSemver(Random random) {
    StringBuilder s = new StringBuilder(random.nextInt(10) == 0 ? "v" : "");
    s.append(semverNumber(random)).append('.').append(semverNumber(random)).append('.')
        .append(semverNumber(random));
    if (random.nextBoolean()) {
      s.append('-');
      semverIdentifiers(random, s);
    }
    if (random.nextInt(4) == 0) {
      s.append('+');
      semverIdentifiers(random, s);
    }
    return s.toString();
  }

  private static String semverNumber(Random random) {
    return switch (random.nextInt(20)) {
      case 0 -> "0" + random.nextInt(10);
      case 1 -> "9007199254740993";
      default -> String.valueOf(random.nextInt(12));
    };
  }

  private static void semverIdentifiers(Random random, StringBuilder s) {
    int count = 1 + random.nextInt(4);
    for (int k = 0; k < count; k++) {
      if (k > 0) {
        s.append('.');
      }
      s.append(
          random.nextBoolean()
              ? semverNumber(random)
              : SEMVER_WORDS[random.nextInt(SEMVER_WORDS.length)]);
    }
  }

  private static String mutate(Random random, String version, String[] words) {
    StringBuilder s = new StringBuilder(version);
    int position = random.nextInt(s.length() + 1);
    switch (random.nextInt(3)) {
      case 0 -> s.insert(position, words[random.nextInt(words.length)]);
      case 1 -> s.insert(position, random.nextInt(10));
      default -> {
        if (position < s.length()) {
          s.deleteCharAt(position);
        }
      }
    }
    return s.isEmpty() ? "0" : s.toString();
  }

  private static boolean hasHugeNumber(String version) {
    int i = 0;
    while (i < version.length()) {
      int end = Substrings.digitRunEnd(version, i, version.length());
      if (end - i >= 16) {
        return true;
      }
      i = end == i ? i + 1 : end;
    }
    return false;
  }

  private static String pythonWithPackaging() throws InterruptedException {
    for (String python : List.of("/usr/bin/python3", "python3")) {
      if (ReferenceTools.runs(List.of(python, "-c", "import packaging.version"))) {
        return python;
      }
    }
    return null;
  }

}
