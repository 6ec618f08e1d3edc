package dev.vigil.vulndb;

import java.util.HashMap;
import java.util.Map;

/**
 * Shares equal strings during one load. OSV databases repeat the same versions, package names
 * and ecosystems across thousands of records; keeping one instance of each keeps a snapshot
 * small. Not thread-safe: one per load.
 */
final class Interner {
  private final Map<String, String> strings = new HashMap<>();

  String intern(String value) {
    if (value == null) {
      return null;
    }
    String known = strings.putIfAbsent(value, value);
    return known == null ? value : known;
  }
}
