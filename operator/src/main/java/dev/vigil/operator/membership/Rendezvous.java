package dev.vigil.operator.membership;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Rendezvous (highest random weight) hashing: the owner of a key is the member whose hash with
 * the key is highest. Every replica that sees the same members picks the same owner without
 * talking to the others, and a member joining or leaving moves only the keys it wins or owned
 * (about 1/N of them), so a membership change does not reshuffle the whole cluster's work.
 */
public final class Rendezvous {

  private Rendezvous() {}

  /** The member that owns the key; null when there are no members. Ties go to the smaller name. */
  public static String owner(String key, Collection<String> members) {
    String best = null;
    long bestWeight = 0;
    for (String member : members) {
      long w = weight(member, key);
      if (best == null || Long.compareUnsigned(w, bestWeight) > 0
          || (w == bestWeight && member.compareTo(best) < 0)) {
        best = member;
        bestWeight = w;
      }
    }
    return best;
  }

  /** FNV-1a over member, a separator and key, then a 64-bit finaliser so close names spread. */
  static long weight(String member, String key) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, member.getBytes(StandardCharsets.UTF_8));
    h = (h ^ 0xff) * 0x100000001b3L;
    h = fnv(h, key.getBytes(StandardCharsets.UTF_8));
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
