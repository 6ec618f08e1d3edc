package dev.vigil.operator.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {

  private static final List<String> DIGESTS = new ArrayList<>();

  static {
    for (int i = 0; i < 10_000; i++) {
      DIGESTS.add(String.format("sha256:%064x", (long) i * 2654435761L));
    }
  }

  private static List<String> members(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("vigil-7d9f8c-" + i + "_0b6e2c1a-9f3e-4c1d-8a2b-" + String.format("%012d", i));
    }
    return out;
  }

  private static Map<String, String> owners(List<String> members) {
    Map<String, String> out = new HashMap<>();
    DIGESTS.forEach(d -> out.put(d, Rendezvous.owner(d, members)));
    return out;
  }

  @Test
  void theOwnerDoesNotDependOnTheOrderInWhichMembersAreListed() {
    List<String> m = members(5);
    List<String> reversed = new ArrayList<>(m);
    java.util.Collections.reverse(reversed);
    assertEquals(owners(m), owners(reversed));
  }

  @Test
  void noMembersMeansNoOwner() {
    assertNull(Rendezvous.owner("sha256:aa", List.of()));
  }

  @Test
  void digestsSpreadEvenlyOverThreeMembers() {
    Map<String, Integer> counts = new HashMap<>();
    owners(members(3)).values().forEach(o -> counts.merge(o, 1, Integer::sum));
    assertEquals(3, counts.size());
    // 10,000 keys: a fair share is 3,333; a skewed hash would leave one member far off.
    counts.values().forEach(c -> assertTrue(c > 3_000 && c < 3_700, counts.toString()));
  }

  @Test
  void aMemberJoiningTakesAboutItsShareAndNothingMovesBetweenTheOthers() {
    List<String> three = members(3);
    List<String> four = members(4);
    Map<String, String> before = owners(three);
    Map<String, String> after = owners(four);
    int moved = 0;
    for (String d : DIGESTS) {
      if (!before.get(d).equals(after.get(d))) {
        moved++;
        assertEquals(four.get(3), after.get(d), "a key only ever moves to the new member");
      }
    }
    // About 1/4 of the keys: the newcomer's share, no more.
    assertTrue(moved > 2_200 && moved < 2_800, "moved " + moved);
  }

  @Test
  void aMemberLeavingHandsOnlyItsOwnShareOver() {
    List<String> three = members(3);
    List<String> two = new ArrayList<>(three);
    String gone = two.remove(1);
    Map<String, String> before = owners(three);
    Map<String, String> after = owners(two);
    int moved = 0;
    for (String d : DIGESTS) {
      if (!before.get(d).equals(after.get(d))) {
        moved++;
        assertEquals(gone, before.get(d), "only the leaver's keys move");
      }
    }
    assertTrue(moved > 3_000 && moved < 3_700, "moved " + moved);
  }
}
