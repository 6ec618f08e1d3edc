package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every pair in osv-scalibr's version vector files (resources/versions/README.md and
 * resources/versions/appdeps/README.md) is ordered as the file says, in both directions; all
 * failures of a file are reported at once.
 */
class VersionVectorFilesTest {

  private static final Map<String, VersionScheme> SCHEMES =
      Map.of(
          "dpkg", DpkgVersionScheme.INSTANCE,
          "apk", ApkVersionScheme.INSTANCE,
          "rpm", RpmVersionScheme.INSTANCE,
          "semver", SemverVersionScheme.INSTANCE,
          "maven", MavenVersionScheme.INSTANCE,
          "pep440", Pep440VersionScheme.INSTANCE,
          "rubygems", RubyGemsVersionScheme.INSTANCE,
          "nuget", NuGetVersionScheme.INSTANCE,
          "packagist", PackagistVersionScheme.INSTANCE);

  /**
   * Lines where the scheme is the reference implementation and the file's hand-written case is
   * not what that implementation answers (resources/versions/appdeps/README.md): the line is
   * checked against the implementation's answer instead, so it still fails if either changes.
   */
  private static final Map<String, String> REFERENCE_ANSWERS =
      Map.of(
          // The Maven documentation says "ga" is the empty qualifier; ComparableVersion only drops
          // a "ga" that ends a list, so 1-ga-1 = [1, [ga, [1]]] < 1-1 = [1, [1]].
          "appdeps/maven-versions.txt:100", ">",
          // osv-scalibr's own edge cases for Packagist; PHP 8.2's version_compare answers
          // otherwise: "1.2.3.#" canonicalises to "1.2.3." whose empty last part is below any
          // number, and strtol saturates 30-digit numbers at 2^63-1.
          "appdeps/packagist-versions.txt:94", "<",
          "appdeps/packagist-versions.txt:96", "<",
          "appdeps/packagist-versions.txt:106", "=",
          "appdeps/packagist-versions.txt:107", "=");

  @ParameterizedTest(name = "{0} ordered by {1}")
  @CsvSource({
    "debian-versions.txt, dpkg, 30",
    "debian-versions-generated.txt, dpkg, 14442",
    "alpine-versions.txt, apk, 778",
    "alpine-versions-generated.txt, apk, 13979",
    "redhat-versions.txt, rpm, 165",
    "semver-versions.txt, semver, 86",
    "appdeps/maven-versions.txt, maven, 102",
    "appdeps/maven-versions-generated.txt, maven, 14752",
    "appdeps/pypi-versions.txt, pep440, 37",
    "appdeps/pypi-versions-generated.txt, pep440, 12375",
    "appdeps/rubygems-versions.txt, rubygems, 25",
    "appdeps/rubygems-versions-generated.txt, rubygems, 4098",
    "appdeps/nuget-versions.txt, nuget, 35",
    "appdeps/packagist-versions.txt, packagist, 95",
    "appdeps/packagist-versions-generated.txt, packagist, 10630",
    "appdeps/semver-versions.txt, semver, 86"
  })
  void everyPairInTheFileIsOrderedAsStated(String file, String scheme, int expectedPairs)
      throws IOException {
    VersionScheme versions = SCHEMES.get(scheme);
    List<String> failures = new ArrayList<>();
    int pairs = 0;
    try (InputStream in = getClass().getResourceAsStream("/versions/" + file)) {
      assertTrue(in != null, "missing test resource versions/" + file);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("//")) {
          continue;
        }
        String[] parts = trimmed.split(" ");
        if (parts.length != 3) {
          failures.add(lineNumber + ": unreadable line '" + line + "'");
          continue;
        }
        String op = REFERENCE_ANSWERS.getOrDefault(file + ":" + lineNumber, parts[1]);
        int expected =
            switch (op) {
              case "<" -> -1;
              case "=" -> 0;
              case ">" -> 1;
              default -> 2;
            };
        if (expected == 2) {
          failures.add(lineNumber + ": unknown operator in '" + line + "'");
          continue;
        }
        pairs++;
        int forward = Integer.signum(versions.compare(parts[0], parts[2]));
        int backward = Integer.signum(versions.compare(parts[2], parts[0]));
        if (forward != expected || backward != -expected) {
          failures.add(
              lineNumber + ": " + trimmed + " but got " + forward + " (reversed " + backward + ")");
        }
      }
    }
    assertEquals(List.of(), failures, file + ": " + failures.size() + " pairs misordered");
    assertEquals(expectedPairs, pairs, file + ": number of pairs read");
  }
}
