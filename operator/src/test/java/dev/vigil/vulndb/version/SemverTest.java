package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SemverTest {

  @Test
  void parsesAllPartsOfAVersionWithPrefix() {
    Semver v = Semver.parse("v1.22.333-rc.1+build.5").orElseThrow();
    assertEquals(new Semver(1, 22, 333, List.of("rc", "1"), List.of("build", "5")), v);
    assertTrue(v.isPrerelease());
    assertEquals("1.22.333-rc.1+build.5", v.toString());
  }

  @Test
  void parsesAReleaseWithoutPrereleaseOrBuild() {
    Semver v = Semver.parse("0.10.0").orElseThrow();
    assertEquals(new Semver(0, 10, 0, List.of(), List.of()), v);
    assertFalse(v.isPrerelease());
    assertEquals("0.10.0", v.toString());
  }

  @Test
  void parsesBuildWithoutPrerelease() {
    assertEquals(
        Optional.of(new Semver(1, 0, 0, List.of(), List.of("exp", "sha", "5114f85"))),
        Semver.parse("1.0.0+exp.sha.5114f85"));
  }

  @Test
  void keepsHyphensInsidePrereleaseIdentifiers() {
    assertEquals(List.of("x-y-z", "--"), Semver.parse("1.0.0-x-y-z.--").orElseThrow().prerelease());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2", "1.2.3.4", "01.2.3", "1.2.3-01", "latest", "1.2.3-", "v"})
  void rejectsTextThatIsNotStrictSemver(String text) {
    assertEquals(Optional.empty(), Semver.parse(text));
  }

  @Test
  void rejectsNumbersThatDoNotFitInALong() {
    assertEquals(
        Optional.of(new Semver(Long.MAX_VALUE, 0, 0, List.of(), List.of())),
        Semver.parse("9223372036854775807.0.0"));
    assertEquals(Optional.empty(), Semver.parse("9223372036854775808.0.0"));
    assertTrue(SemverVersionScheme.INSTANCE.isValid("9223372036854775808.0.0"));
  }

  @Test
  void ordersByPrecedenceLikeTheScheme() {
    List<String> ascending =
        List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
            "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0");
    for (int k = 0; k + 1 < ascending.size(); k++) {
      Semver lower = Semver.parse(ascending.get(k)).orElseThrow();
      Semver higher = Semver.parse(ascending.get(k + 1)).orElseThrow();
      assertTrue(lower.compareTo(higher) < 0, lower + " < " + higher);
      assertTrue(higher.compareTo(lower) > 0, higher + " > " + lower);
    }
  }

  @Test
  void buildMetadataDoesNotChangePrecedenceButDoesChangeEquality() {
    Semver a = Semver.parse("1.0.0+a").orElseThrow();
    Semver b = Semver.parse("1.0.0+b").orElseThrow();
    assertEquals(0, a.compareTo(b));
    assertNotEquals(a, b);
  }

  @Test
  void refusesNegativeNumbers() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Semver(1, -1, 0, List.of(), List.of()));
    assertEquals("negative version number in 1.-1.0", e.getMessage());
  }
}
