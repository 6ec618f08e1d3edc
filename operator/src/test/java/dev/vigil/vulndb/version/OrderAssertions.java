package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Assertions on a scheme's ordering that always check both directions of a comparison. */
final class OrderAssertions {

  private OrderAssertions() {}

  /** Asserts that each version is lower than the next one, in both argument orders. */
  static void assertAscending(VersionScheme scheme, String... versions) {
    for (int k = 0; k + 1 < versions.length; k++) {
      String lower = versions[k];
      String higher = versions[k + 1];
      assertEquals(-1, Integer.signum(scheme.compare(lower, higher)),
          scheme.name() + ": expected " + lower + " < " + higher);
      assertEquals(1, Integer.signum(scheme.compare(higher, lower)),
          scheme.name() + ": expected " + higher + " > " + lower);
    }
  }

  /** Asserts that the two versions compare equal, in both argument orders. */
  static void assertSame(VersionScheme scheme, String a, String b) {
    assertEquals(0, scheme.compare(a, b), scheme.name() + ": expected " + a + " = " + b);
    assertEquals(0, scheme.compare(b, a), scheme.name() + ": expected " + b + " = " + a);
  }
}
